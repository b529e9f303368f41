import type Anthropic from '@anthropic-ai/sdk';
import type { WorktreeFiles } from '../worktree-files.ts';
import { EDIT_TOOLS, runEditTool } from './edit-tools.ts';
import type { MessagesSession } from './messages-session.ts';

/** How an edit session ended. */
export type EditLoopResult =
  | { readonly ok: true; readonly summary: string; readonly turns: number }
  | { readonly ok: false; readonly problem: string; readonly turns: number };

/**
 * Lets the model change the worktree through the edit tools, turn by turn, until it calls
 * `finish`, ends its turn without a tool call, or reaches `maxTurns`. Every tool call in a turn
 * is answered before the next request, as the API requires.
 */
export async function runEditLoop(
  session: MessagesSession,
  files: WorktreeFiles,
  system: string,
  prompt: string,
  maxTurns: number,
): Promise<EditLoopResult> {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: prompt }];

  for (let turn = 1; turn <= maxTurns; turn += 1) {
    const reply = await session.send({ system, messages, tools: EDIT_TOOLS, tool_choice: { type: 'auto' } });
    messages.push({ role: 'assistant', content: reply.content });

    const calls = reply.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    if (calls.length === 0) return endedWithoutFinish(reply, turn);

    const outcomes = [];
    for (const call of calls) outcomes.push(await runEditTool(files, call));
    const finished = outcomes.find((outcome) => outcome.finishSummary !== undefined);
    if (finished?.finishSummary !== undefined) return { ok: true, summary: finished.finishSummary, turns: turn };

    messages.push({ role: 'user', content: outcomes.map((outcome) => outcome.result) });
  }
  return { ok: false, problem: `the edit session did not finish within ${maxTurns} turns`, turns: maxTurns };
}

function endedWithoutFinish(reply: Anthropic.Message, turn: number): EditLoopResult {
  const text = reply.content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
  if (reply.stop_reason === 'max_tokens') return { ok: false, problem: 'the reply was cut off at the output limit', turns: turn };
  return text ? { ok: true, summary: text, turns: turn } : { ok: false, problem: 'the model ended the session without a summary', turns: turn };
}
