import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { describeIssues } from '../../../engine/durable-file.ts';
import type { MessagesSession } from './messages-session.ts';

/** A structured request: the prompt, and the tool whose input is the reply. */
export interface StructuredCall<S extends z.ZodType> {
  readonly system: string;
  readonly prompt: string;
  readonly toolName: string;
  readonly toolDescription: string;
  readonly schema: S;
  readonly toolChoice: 'forced' | 'auto';
}

/** The result: the parsed reply, or why none could be had after one repair. */
export type StructuredResult<T> =
  | { readonly ok: true; readonly value: T; readonly wasRepaired: boolean }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Asks for a reply as the input of one tool whose JSON schema is derived from `schema`. A reply
 * that does not validate gets exactly one repair turn, which quotes the first validation issues
 * with their paths; a second invalid reply is returned as problems, never thrown.
 */
export async function callStructured<S extends z.ZodType>(session: MessagesSession, call: StructuredCall<S>): Promise<StructuredResult<z.output<S>>> {
  const tool: Anthropic.Tool = {
    name: call.toolName,
    description: call.toolDescription,
    input_schema: toolInputSchema(call.schema),
  };
  const toolChoice: Anthropic.ToolChoice = call.toolChoice === 'forced' ? { type: 'tool', name: call.toolName } : { type: 'auto' };
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: call.prompt }];

  const first = await session.send({ system: call.system, messages, tools: [tool], tool_choice: toolChoice });
  const firstCheck = checkReply(first, call);
  if (firstCheck.ok) return { ok: true, value: firstCheck.value, wasRepaired: false };

  messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: repairContent(first, call, firstCheck.problems) });
  const second = await session.send({ system: call.system, messages, tools: [tool], tool_choice: toolChoice });
  const secondCheck = checkReply(second, call);
  if (secondCheck.ok) return { ok: true, value: secondCheck.value, wasRepaired: true };
  return { ok: false, problems: secondCheck.problems };
}

type Check<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function checkReply<S extends z.ZodType>(message: Anthropic.Message, call: StructuredCall<S>): Check<z.output<S>> {
  const submitted = message.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use' && block.name === call.toolName);
  if (!submitted) {
    const truncated = message.stop_reason === 'max_tokens' ? ' (the reply was cut off at the output limit)' : '';
    return { ok: false, problems: [`no call of the ${call.toolName} tool in the reply${truncated}`] };
  }

  const parsed = call.schema.safeParse(submitted.input);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: describeIssues(parsed.error.issues) };
}

function repairContent<S extends z.ZodType>(message: Anthropic.Message, call: StructuredCall<S>, problems: readonly string[]): Anthropic.ContentBlockParam[] {
  const request = `Your submission was not accepted: ${problems.join('; ')}. Call the ${call.toolName} tool again with a corrected, complete submission.`;
  const toolUses = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
  if (toolUses.length === 0) return [{ type: 'text', text: request }];

  // Every tool call needs its result; the submission's result carries the correction request.
  return toolUses.map((block) => ({
    type: 'tool_result' as const,
    tool_use_id: block.id,
    is_error: true,
    content: block.name === call.toolName ? request : `Only ${call.toolName} is available here.`,
  }));
}

/** The JSON schema of a zod schema, as a tool's `input_schema` (without the `$schema` marker). */
export function toolInputSchema(schema: z.ZodType): Anthropic.Tool.InputSchema {
  const { $schema: _marker, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return jsonSchema as Anthropic.Tool.InputSchema;
}
