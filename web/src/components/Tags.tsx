/** Tags as chips; clicking one filters the listing by it (`--tag`). */
export function Tags({ tags, onPick, onRemove }: { tags: readonly string[]; onPick?: (tag: string) => void; onRemove?: (tag: string) => void }) {
  return (
    <span class="tags">
      {tags.map((t) => (
        <span class="chip" key={t} data-testid="tag">
          {onPick ? (
            <button type="button" class="chip-text" title={`only ${t}`} onClick={() => onPick(t)}>
              {t}
            </button>
          ) : (
            <span class="chip-text">{t}</span>
          )}
          {onRemove && (
            <button type="button" class="chip-x" aria-label={`remove ${t}`} title={`remove ${t}`} onClick={() => onRemove(t)}>
              ×
            </button>
          )}
        </span>
      ))}
    </span>
  );
}
