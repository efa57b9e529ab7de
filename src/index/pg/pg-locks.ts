/**
 * The advisory locks of a team database (docs/team.md, "Many indexers"): one per source, held by
 * the indexer of that runs dir for as long as it is connected, and one for the derived tables,
 * held by a pass from its derived step to its commit. Keys are (class, object) pairs; the class
 * spells "CATL".
 */
const CLASS = 0x4341544c;

export function derivedLock(): [number, number] {
  return [CLASS, 0];
}

/** Source ids are serial, from 1: they never meet the derived lock's 0. */
export function sourceLock(sourceId: number): [number, number] {
  return [CLASS, sourceId];
}
