import { configurationKey, defaultConfiguration } from './configuration.ts';
import type { CandidateMove } from './candidate-move.ts';
import { combinationMoves } from './combination-moves.ts';
import { dimensionEvidence } from './dimension-evidence.ts';
import { fallbackMoves } from './fallback-moves.ts';
import { localMoves, type SearchContext } from './local-moves.ts';
import { measuredPoints, type MeasuredPoint } from './measured-points.ts';
import { PlannerInputError } from './offline-agent-error.ts';
import type { PlanDecision, Proposal } from './plan-decision.ts';
import { planRequestSchema, type PlanRequest, type PlanRequestOptions } from './plan-request.ts';
import { bestPracticeOf, proposalHypothesis, proposalName } from './proposal-text.ts';
import { searchDimensions } from './search-dimension.ts';
import { selectMoves } from './select-moves.ts';

/**
 * Plans the next experiments over the declared search space, with no model and no state: the
 * same request always gives the same decision. It varies one knob at a time around the best
 * (coordinate search), takes larger steps the way a gain came from and splits the gap towards a
 * worse result, re-tests each knob once another has moved, counts differences within the noise
 * margin as no gain, and never proposes a configuration already measured or pending.
 *
 * It stops with `max_iterations` when no experiment may be started, `plateau` when `patience`
 * experiments finished without a kept improvement, and `space_exhausted` when nothing is left.
 *
 * @example
 * const decision = planOffline({ space, history, pending: [], bestId: '001_subprocess',
 *   experimentsSinceImprovement: 0, limits: { patience: 6, remainingExperiments: 20, maxProposals: 3 } });
 */
export function planOffline(options: PlanRequestOptions): PlanDecision {
  const request = parseRequest(options);
  const { limits } = request;

  if (limits.remainingExperiments === 0) {
    return { action: 'stop', reason: 'max_iterations', detail: 'The experiment limit is reached; no experiment may be started.' };
  }
  if (request.experimentsSinceImprovement >= limits.patience) {
    const detail = `${request.experimentsSinceImprovement} experiments finished without a kept improvement (patience ${limits.patience}).`;
    return { action: 'stop', reason: 'plateau', detail };
  }

  const context = searchContext(request);
  return decide(request, context);
}

function parseRequest(options: PlanRequestOptions): PlanRequest {
  const parsed = planRequestSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  throw new PlannerInputError(parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`));
}

function searchContext(request: PlanRequest): SearchContext {
  const { space, history } = request;
  const points = measuredPoints(space, history);
  const best = resolveBest(request, points);
  const dimensions = searchDimensions(space);
  const keptTrail = history
    .filter((experiment) => experiment.isKept && !experiment.isHeadspace)
    .map((experiment) => points.get(configurationKey(space, experiment.configuration)) as MeasuredPoint);

  const minEffectFraction = request.limits.minEffectFraction;
  return {
    space,
    dimensions,
    points,
    pendingKeys: new Set(request.pending.map((configuration) => configurationKey(space, configuration))),
    pendingConfigurations: request.pending,
    center: best?.configuration ?? defaultConfiguration(space),
    best,
    evidence: dimensionEvidence({ space, dimensions, points, best, keptTrail, minEffectFraction }),
    minEffectFraction,
  };
}

// The caller's kept best when it names a measured configuration, else the highest metric.
function resolveBest(request: PlanRequest, points: ReadonlyMap<string, MeasuredPoint>): MeasuredPoint | undefined {
  const named = request.history.find((experiment) => experiment.id === request.bestId && !experiment.isHeadspace);
  const namedPoint = named && points.get(configurationKey(request.space, named.configuration));
  if (namedPoint?.metric !== undefined) return namedPoint;

  let best: MeasuredPoint | undefined;
  for (const point of points.values()) {
    if (point.metric !== undefined && (best?.metric === undefined || point.metric > best.metric)) best = point;
  }
  return best;
}

function decide(request: PlanRequest, context: SearchContext): PlanDecision {
  const count = Math.min(request.limits.maxProposals, request.limits.remainingExperiments);
  const local = [...localMoves(context), ...combinationMoves(context)];
  if (local.length === 0 && context.pendingKeys.size > 0) {
    return { action: 'wait', detail: 'Every move around the best is measured or running; the running results decide what comes next.' };
  }

  const moves = local.length > 0 ? local : fallbackMoves(context);
  if (moves.length === 0) {
    return { action: 'stop', reason: 'space_exhausted', detail: 'Every configuration of the search space reachable from the best has been measured.' };
  }

  const parentId = parentIdOf(request, context.best);
  const proposals = selectMoves(moves, count, request.seed).map((move) => toProposal(move, parentId));
  return { action: 'propose', proposals };
}

function parentIdOf(request: PlanRequest, best: MeasuredPoint | undefined): string | null {
  if (best === undefined) return null;
  if (request.bestId !== undefined && best.ids.includes(request.bestId)) return request.bestId;
  return best.ids[best.ids.length - 1] ?? null;
}

function toProposal(move: CandidateMove, parentId: string | null): Proposal {
  const changedKnobs = move.changes.map((change) => change.dimension.name);
  return {
    name: proposalName(move),
    configuration: move.configuration,
    parentId,
    hypothesis: proposalHypothesis(move, parentId === null ? 'the defaults' : parentId),
    changedKnobs,
    bestPractice: bestPracticeOf(changedKnobs[0] as string),
  };
}
