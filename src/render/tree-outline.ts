import { isInFlight, type ExperimentView, type RunView } from './run-view.ts';

/** Several hidden subtrees under one shown parent, drawn as a single node. */
export interface OutlineSummary {
  /** The shown experiment the hidden subtrees hang from; `null` for hidden seeds. */
  readonly parentId: string | null;
  /** Every hidden experiment below `parentId`, descendants included, in experiment order. */
  readonly experiments: readonly ExperimentView[];
}

/** What a tree picture draws: a connected subset of the run, plus summaries of the rest. */
export interface TreeOutline {
  /** Shown experiments, parents before children (depth first, children in experiment order). */
  readonly shown: readonly ExperimentView[];
  readonly summaries: readonly OutlineSummary[];
  /** Ids on the best path that are shown (all of them: the best path is never hidden). */
  readonly bestPathIds: ReadonlySet<string>;
  /** Parent of each shown experiment among the shown ones; absent for seeds. */
  readonly parentOf: ReadonlyMap<string, string>;
}

const virtualRoot = '';

// Beyond this many shown children, the remaining plain siblings (no gain, failed, queued) of a
// node are summarised even when the budget has room: a fan of dozens of gray boxes says less
// than one summary node.
const plainSiblingLimit = 4;

interface TreeIndex {
  readonly byId: ReadonlyMap<string, ExperimentView>;
  readonly childrenOf: ReadonlyMap<string, readonly ExperimentView[]>;
  readonly parentOf: ReadonlyMap<string, string>;
}

/**
 * Chooses what to draw of a run's tree within `maxNodes` boxes (shown experiments plus summary
 * nodes). The best path is always shown, even past the budget; then, while room is left, running
 * work, seeds, headspace, kept improvements, queued work and the most recent remaining
 * experiments, each with its ancestors so the picture stays connected. Everything else becomes
 * one summary node per shown parent.
 */
export function outlineTree(view: RunView, maxNodes: number): TreeOutline {
  const index = indexTree(view.experiments);
  const bestPathIds = new Set(view.bestPath.filter((id) => index.byId.has(id)));
  const shown = new Set<string>([virtualRoot]);
  // Until the seeds are shown, all of them stand in one summary box.
  let boxCount = countSummaries(index, shown, new Set([virtualRoot]));

  for (const id of bestPathIds) boxCount += addWithAncestors(index, shown, id, boxCount, Infinity);
  const [mustTry, plain] = priorityTiers(view, index);
  for (const id of mustTry) boxCount += addWithAncestors(index, shown, id, boxCount, maxNodes);
  for (const id of plain) {
    if (shownChildCount(index, shown, attachPoint(index, shown, id)) >= plainSiblingLimit) continue;
    boxCount += addWithAncestors(index, shown, id, boxCount, maxNodes);
  }

  return {
    shown: depthFirst(index, shown),
    summaries: summarize(index, shown),
    bestPathIds,
    parentOf: index.parentOf,
  };
}

function indexTree(experiments: readonly ExperimentView[]): TreeIndex {
  const byId = new Map(experiments.map((experiment) => [experiment.id, experiment]));
  const sorted = [...experiments].sort((a, b) => a.order - b.order);
  const parentOf = new Map<string, string>();
  for (const experiment of sorted) {
    const parentId = experiment.parentId;
    if (parentId !== null && byId.has(parentId) && !closesCycle(parentOf, experiment.id, parentId)) {
      parentOf.set(experiment.id, parentId);
    }
  }

  const childrenOf = new Map<string, ExperimentView[]>();
  for (const experiment of sorted) {
    const parentId = parentOf.get(experiment.id) ?? virtualRoot;
    const siblings = childrenOf.get(parentId) ?? [];
    siblings.push(experiment);
    childrenOf.set(parentId, siblings);
  }
  return { byId, childrenOf, parentOf };
}

// A parent link that would close a loop is dropped, so the child is drawn as a seed instead.
function closesCycle(parentOf: ReadonlyMap<string, string>, id: string, parentId: string): boolean {
  for (let current: string | undefined = parentId; current !== undefined; current = parentOf.get(current)) {
    if (current === id) return true;
  }
  return false;
}

// Ids in the order they are offered a place: first what always matters (in flight, seeds,
// headspace, kept improvements), then plain experiments, queued first, newest first.
function priorityTiers(view: RunView, index: TreeIndex): [string[], string[]] {
  const byOrder = [...view.experiments].sort((a, b) => a.order - b.order);
  const newestFirst = [...byOrder].reverse();
  const mustTry = [
    ...byOrder.filter((experiment) => isInFlight(experiment.status)),
    ...byOrder.filter((experiment) => !index.parentOf.has(experiment.id)),
    ...byOrder.filter((experiment) => experiment.isHeadspace),
    ...byOrder.filter((experiment) => experiment.verdict === 'improved'),
  ];
  const plain = [...newestFirst.filter((experiment) => experiment.status === 'queued'), ...newestFirst];
  return [mustTry.map((experiment) => experiment.id), plain.map((experiment) => experiment.id)];
}

// The shown node that `id`, with its hidden ancestors, would hang from.
function attachPoint(index: TreeIndex, shown: ReadonlySet<string>, id: string): string {
  const chain = hiddenChain(index, shown, id);
  const top = chain.at(-1) ?? id;
  return index.parentOf.get(top) ?? virtualRoot;
}

function shownChildCount(index: TreeIndex, shown: ReadonlySet<string>, id: string): number {
  return (index.childrenOf.get(id) ?? []).filter((child) => shown.has(child.id)).length;
}

/**
 * Shows `id` and its hidden ancestors when the boxes then needed stay within `maxNodes`;
 * returns the change in the box count (0 when it does not fit or is already shown).
 */
function addWithAncestors(
  index: TreeIndex,
  shown: Set<string>,
  id: string,
  boxCount: number,
  maxNodes: number,
): number {
  const chain = hiddenChain(index, shown, id);
  if (chain.length === 0) return 0;

  const affected = new Set([...chain, ...chain.map((node) => index.parentOf.get(node) ?? virtualRoot)]);
  const summariesBefore = countSummaries(index, shown, affected);
  const after = new Set([...shown, ...chain]);
  const delta = chain.length + countSummaries(index, after, affected) - summariesBefore;
  if (boxCount + delta > maxNodes) return 0;

  for (const node of chain) shown.add(node);
  return delta;
}

function hiddenChain(index: TreeIndex, shown: ReadonlySet<string>, id: string): string[] {
  const chain: string[] = [];
  for (let current: string | undefined = id; current !== undefined && !shown.has(current); ) {
    chain.push(current);
    current = index.parentOf.get(current);
  }
  return chain;
}

function countSummaries(index: TreeIndex, shown: ReadonlySet<string>, ids: ReadonlySet<string>): number {
  let count = 0;
  for (const id of ids) if (shown.has(id) && hasHiddenChild(index, shown, id)) count += 1;
  return count;
}

function hasHiddenChild(index: TreeIndex, shown: ReadonlySet<string>, id: string): boolean {
  return (index.childrenOf.get(id) ?? []).some((child) => !shown.has(child.id));
}

function depthFirst(index: TreeIndex, shown: ReadonlySet<string>): ExperimentView[] {
  const ordered: ExperimentView[] = [];
  const stack = [...(index.childrenOf.get(virtualRoot) ?? [])].reverse();
  while (stack.length > 0) {
    const experiment = stack.pop() as ExperimentView;
    if (!shown.has(experiment.id)) continue;
    ordered.push(experiment);
    stack.push(...[...(index.childrenOf.get(experiment.id) ?? [])].reverse());
  }
  return ordered;
}

function summarize(index: TreeIndex, shown: ReadonlySet<string>): OutlineSummary[] {
  const summaries: OutlineSummary[] = [];
  for (const parentId of shown) {
    const hidden = (index.childrenOf.get(parentId) ?? []).filter((child) => !shown.has(child.id));
    if (hidden.length === 0) continue;

    const experiments = hidden.flatMap((child) => subtree(index, child));
    experiments.sort((a, b) => a.order - b.order);
    summaries.push({ parentId: parentId === virtualRoot ? null : parentId, experiments });
  }
  return summaries;
}

function subtree(index: TreeIndex, root: ExperimentView): ExperimentView[] {
  const found: ExperimentView[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const experiment = stack.pop() as ExperimentView;
    found.push(experiment);
    stack.push(...(index.childrenOf.get(experiment.id) ?? []));
  }
  return found;
}
