import type { TaskOutcome } from '../engine/workflow.ts';
import type { PlanRequest } from '../platform/agent/agent-requests.ts';
import type { Proposal } from '../platform/agent/proposal.ts';
import { fromAgentFailure } from './agent-failure-record.ts';
import { baseOf, changeIdentity } from './change-identity.ts';
import { ExperimentNodeSchema, TERMINAL_PHASES, type ExperimentNode } from './experiment-node.ts';
import { experimentId, specOf } from './experiment-spec.ts';
import { buildPlanRequest } from './plan-request.ts';
import type { ResearchContext } from './research-context.ts';
import { computeStanding, isMeasured, type RunStanding } from './run-standing.ts';
import { stopReasonOf } from './stopping.ts';
import { HEADSPACE_INSTRUCTIONS } from './seed-experiments.ts';

/** Priority of a confirmation repeat: ahead of ordinary follow-ups, behind the seeds. */
const CONFIRMATION_PRIORITY = -100;

/**
 * The `planning` phase: after every finished experiment (failed ones too, so a failure never
 * ends the run by accident) decide what runs next. Children are saved with the experiment
 * before they are handed to the engine, so a crash here neither loses nor duplicates them.
 */
export async function planFollowUps(context: ResearchContext, node: ExperimentNode): Promise<TaskOutcome> {
  const children = node.planned_children
    ? node.planned_children.map((id) => context.nodes.get(id)).filter((child): child is ExperimentNode => Boolean(child))
    : await planAndSave(context, node);

  const finished = await context.nodes.update(node.id, { phase: node.failure ? 'failed' : 'completed' });
  context.refreshViews();
  context.logger.info({ experiment: node.id, phase: finished.phase, children: children.map((c) => c.id) }, 'experiment finished');
  return { status: finished.phase === 'failed' ? 'failed' : 'completed', children: children.map(specOf) };
}

async function planAndSave(context: ResearchContext, node: ExperimentNode): Promise<ExperimentNode[]> {
  // Children saved before a crash, whose list was not recorded yet: they have not run.
  const adopted = context.nodes.all().filter((other) => other.planned_by === node.id && !TERMINAL_PHASES.has(other.phase));
  if (adopted.length) return saveChildren(context, node, adopted);
  if (isClosingHeadspace(node)) return saveChildren(context, node, []); // measured after the search ended

  const children = await decideChildren(context, node);
  if (children.length > 0) return saveChildren(context, node, children);

  // Under the decision lock, so that of two experiments finishing together with nothing new to
  // run exactly one sees the other done (its empty plan saved): that one records why the run
  // ends, if nothing has yet, and adds the closing headspace run.
  return context.exclusive(async () => {
    const isLast = isLastToFinish(context, node);
    if (isLast && !context.state.stop_reason) await context.setStopReason('planner', 'nothing new to propose after the last experiments finished');
    const closing = isLast ? closingHeadspaceOf(context, node) : undefined;
    return saveChildren(context, node, closing ? [closing] : []);
  });
}

/** The children the rules, the gates and the planner's reply give; empty when the run stops. */
async function decideChildren(context: ResearchContext, node: ExperimentNode): Promise<ExperimentNode[]> {
  const prepared = await context.exclusive(async () => prepare(context, node));
  if (!prepared.request) return prepared.fixed;

  const reply = await context.platform.agent.plan(prepared.request);
  context.logger.info(
    { experiment: node.id, ok: reply.ok, ...(reply.ok && { action: reply.value.action, proposals: reply.value.proposals.map((p) => p.name), reasoning: reply.value.reasoning }) },
    'planner replied',
  );
  if (!reply.ok) {
    await context.nodes.update(node.id, { followup_failure: fromAgentFailure(reply.failure, 'planning_failed', 'planning') });
    if (prepared.fixed.length === 0 && isLastToFinish(context, node)) {
      await context.setStopReason('planning_failed', `the planner's reply for ${node.id} failed: ${reply.failure.message}`);
    }
    return prepared.fixed;
  }
  if (reply.value.action === 'stop') {
    await context.setStopReason('planner', reply.value.stopReason ?? reply.value.reasoning);
    return prepared.fixed;
  }
  const reasoning = reply.value.reasoning;
  return context.exclusive(async () => {
    const planned = admit(context, node, reply.value.proposals, prepared.fixed);
    if (planned.length > prepared.fixed.length) await context.setStopReason(undefined);
    else if (isLastToFinish(context, node) && planned.length === 0) {
      await context.setStopReason('planner', `nothing new to propose: ${reasoning}`);
    }
    return planned;
  });
}

/** A headspace run after the seeds: the closing one, which measures a bound and plans nothing. */
export function isClosingHeadspace(node: ExperimentNode): boolean {
  return node.is_headspace && !node.seed;
}

/**
 * When the search ends with a best other than the baseline, one last headspace run at the
 * best's configuration: the seed's headspace bounds what loading can win at the baseline's
 * settings, and a change to the compute side (a larger batch) moves that bound. This run tells
 * how much loading work could still win on top of the best. Not after a budget stop (no new
 * work once the budget is spent), nor where the pipeline has no way to switch the cache on.
 */
function closingHeadspaceOf(context: ResearchContext, node: ExperimentNode): ExperimentNode | undefined {
  const { state, config } = context;
  if (!config.closing_headspace || !state.stop_reason || state.stop_reason === 'budget') return undefined;

  const canCache = Boolean(config.search_space?.headspace) || context.platform.agent.canEditCode;
  const best = computeStanding(context.nodes.all(), config).best;
  if (!canCache || !best || best.seed === 'baseline') return undefined;
  if (context.nodes.all().some((other) => other.is_headspace && other.parent_id === best.id)) return undefined;

  const order = context.nodes.nextOrder();
  return ExperimentNodeSchema.parse({
    id: experimentId(order, 'headspace_at_best'),
    order,
    name: 'headspace at best',
    parent_id: best.id,
    is_headspace: true,
    hypothesis: `With loading replayed from a cache at the configuration of ${best.id}, the step time left is that configuration's compute floor: what loading work could still win on top of the best.`,
    change: config.search_space?.headspace ? {} : { instructions: HEADSPACE_INSTRUCTIONS },
    knobs: best.knobs,
    subprocess: best.subprocess,
    requires_rebuild: !config.search_space?.headspace,
    change_summary: 'headspace at best',
    priority: 0,
    phase: 'queued',
    created_at: new Date().toISOString(),
    planned_by: node.id,
  });
}

interface Prepared {
  /** Children decided by code alone (a confirmation repeat). */
  fixed: ExperimentNode[];
  /** The planning request, when the agent should be asked. */
  request?: PlanRequest;
}

/** Under the decision lock: gates, stopping rules, free slots, and the request for the agent. */
async function prepare(context: ResearchContext, node: ExperimentNode): Promise<Prepared> {
  const all = context.nodes.all();
  const standing = computeStanding(all, context.config);
  const fixed = confirmationOf(context, node, all);

  const seeds = all.filter((other) => other.seed && other.seed !== undefined);
  if (!seeds.every(isMeasured)) return { fixed }; // no planning before every seed is measured

  const stop = await stopReasonOf(context, standing);
  if (stop) {
    await context.setStopReason(stop.reason, stop.detail);
    return { fixed };
  }

  const busy = standing.inFlight.filter((other) => other.id !== node.id).length + fixed.length;
  const freeSlots = context.config.max_concurrency - busy;
  if (freeSlots <= 0) return { fixed };

  const remaining = context.config.max_iterations - standing.iteration - fixed.length;
  const maxProposals = Math.min(freeSlots, remaining, 10);
  if (maxProposals <= 0) return { fixed };
  return { fixed, request: await buildPlanRequest(context, node, standing, maxProposals) };
}

function confirmationOf(context: ResearchContext, node: ExperimentNode, all: readonly ExperimentNode[]): ExperimentNode[] {
  const current = context.nodes.get(node.id)!;
  if (current.verdict !== 'pending' || all.some((other) => other.repeat_of === node.id)) return [];
  return [
    childNode(context, node, {
      name: `${node.name} repeat`,
      hypothesis: `Repeat of ${node.id}: its gain holds beyond run-to-run noise.`,
      parentId: node.id,
      change: {},
      requiresRebuild: false,
      practices: [],
      repeatOf: node.id,
    }, { knobs: current.knobs, subprocess: current.subprocess, priority: CONFIRMATION_PRIORITY, order: context.nodes.nextOrder() }),
  ];
}

/** Drops duplicates of existing or sibling experiments and proposals past the limits. */
function admit(context: ResearchContext, node: ExperimentNode, proposals: readonly Proposal[], fixed: ExperimentNode[]): ExperimentNode[] {
  const all = context.nodes.all();
  const standing = computeStanding(all, context.config);
  const seen = new Set(all.filter((other) => other.phase !== 'failed').map((other) => identityOf(context, other)));
  const busy = standing.inFlight.filter((other) => other.id !== node.id).length + fixed.length;
  const room = Math.min(context.config.max_concurrency - busy, context.config.max_iterations - standing.iteration - fixed.length);

  const admitted = [...fixed];
  let order = context.nodes.nextOrder() + fixed.length;
  for (const proposal of proposals) {
    if (admitted.length - fixed.length >= room) break;
    const child = childNode(context, node, proposal, { ...settingsOf(context, proposal, standing), priority: 0, order });
    const identity = identityOf(context, child);
    if (!proposal.repeatOf && seen.has(identity)) {
      context.logger.info({ experiment: node.id, proposal: proposal.name }, 'duplicate proposal dropped');
      continue;
    }
    seen.add(identity);
    admitted.push(child);
    order += 1;
  }
  return admitted;
}

/**
 * True when every other experiment has finished, or has saved an empty plan and is finishing:
 * an empty plan now ends the run.
 */
function isLastToFinish(context: ResearchContext, node: ExperimentNode): boolean {
  return context.nodes.all().every(
    (other) => other.id === node.id || TERMINAL_PHASES.has(other.phase) || (other.phase === 'planning' && other.planned_children?.length === 0),
  );
}

function identityOf(context: ResearchContext, node: ExperimentNode): string {
  const parent = node.parent_id ? context.nodes.get(node.parent_id) : undefined;
  return changeIdentity(node, node.seed ? `seed:${node.seed}` : baseOf(parent, context.state.anchor_commit));
}

/**
 * The full knob setting of a proposal: its parent's settings with the proposed ones on top. The
 * reserved knob `@subprocess` carries the subprocess switch for planners that set it.
 */
function settingsOf(context: ResearchContext, proposal: Proposal, standing: RunStanding): { knobs: ExperimentNode['knobs']; subprocess: boolean } {
  const parent = proposal.parentId ? context.nodes.get(proposal.parentId) : standing.best;
  const { ['@subprocess']: subprocess, ...knobs } = proposal.change.knobs ?? {};
  return {
    knobs: { ...(parent?.knobs ?? {}), ...knobs },
    subprocess: subprocess === undefined ? Boolean(parent?.subprocess) : Boolean(subprocess),
  };
}

function childNode(
  context: ResearchContext,
  planner: ExperimentNode,
  proposal: Proposal,
  settings: { knobs: ExperimentNode['knobs']; subprocess: boolean; priority: number; order: number },
): ExperimentNode {
  const parentId = proposal.parentId && context.nodes.get(proposal.parentId) ? proposal.parentId : (planner.id ?? null);
  const { ['@subprocess']: _switch, ...proposedKnobs } = proposal.change.knobs ?? {};
  return ExperimentNodeSchema.parse({
    id: experimentId(settings.order, proposal.name),
    order: settings.order,
    name: proposal.name,
    parent_id: parentId,
    hypothesis: proposal.hypothesis,
    change: { ...proposal.change, ...(Object.keys(proposedKnobs).length ? { knobs: proposedKnobs } : { knobs: undefined }) },
    knobs: settings.knobs,
    subprocess: settings.subprocess,
    practices: proposal.practices,
    requires_rebuild: proposal.requiresRebuild,
    ...(proposal.repeatOf && { repeat_of: proposal.repeatOf }),
    change_summary: summaryOf(proposal, settings, parentId ? context.nodes.get(parentId) : undefined),
    priority: settings.priority,
    phase: 'queued',
    created_at: new Date().toISOString(),
    planned_by: planner.id,
  });
}

/** A few words for tables and pictures: what differs from the parent, else the instructions. */
function summaryOf(proposal: Proposal, settings: { knobs: ExperimentNode['knobs']; subprocess: boolean }, parent: ExperimentNode | undefined): string {
  if (proposal.repeatOf) return `repeat ${proposal.repeatOf.split('_')[0]}`;
  const knobs = Object.entries(settings.knobs)
    .filter(([name, value]) => parent?.knobs[name] !== value)
    .map(([name, value]) => `${name}=${String(value)}`);
  if (settings.subprocess !== Boolean(parent?.subprocess)) knobs.push(settings.subprocess ? 'subprocess' : 'in-process');
  const text = knobs.length ? knobs.join(' ') : (proposal.change.instructions ?? proposal.name);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

async function saveChildren(context: ResearchContext, node: ExperimentNode, children: ExperimentNode[]): Promise<ExperimentNode[]> {
  for (const child of children) if (!context.nodes.get(child.id)) await context.nodes.save(child);
  await context.nodes.update(node.id, { planned_children: children.map((child) => child.id) });
  return children;
}
