import type { ComponentChildren } from "preact";
import { onLinkClick } from "../route.js";

export function Link({ href, children, title, testid }: { href: string; children: ComponentChildren; title?: string; testid?: string }) {
  return (
    <a href={href} title={title} data-testid={testid} onClick={(e) => onLinkClick(e, href)}>
      {children}
    </a>
  );
}
