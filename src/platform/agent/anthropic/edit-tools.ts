import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { describeIssues } from '../../../engine/durable-file.ts';
import { FinishEdits } from '../agent-replies.ts';
import { PathRefusedError } from '../path-guard.ts';
import { EditRejectedError, type WorktreeFiles } from '../worktree-files.ts';
import { toolInputSchema } from './structured-call.ts';

const ListInput = z.object({ path: z.string().default('.').describe('Folder relative to the source folder.') });
const ViewInput = z.object({
  path: z.string().describe('File relative to the source folder.'),
  start_line: z.number().int().min(1).optional(),
  end_line: z.number().int().min(1).optional(),
});
const ReplaceInput = z.object({
  path: z.string().describe('File relative to the source folder.'),
  old_text: z.string().describe('Exact text to replace; must occur exactly once, indentation included.'),
  new_text: z.string().describe('Replacement text.'),
});
const CreateInput = z.object({
  path: z.string().describe('New file relative to the source folder; must not exist yet.'),
  content: z.string(),
});

/** Name of the tool that ends an edit session. */
export const FINISH_TOOL = 'finish';

/** The tools offered in an edit session. */
export const EDIT_TOOLS: Anthropic.Tool[] = [
  tool('list_files', 'List the files under a folder of the source folder.', ListInput),
  tool('view_file', 'Show a file with line numbers, optionally a line range.', ViewInput),
  tool('replace_in_file', 'Replace one exact, unique snippet of a file with new text.', ReplaceInput),
  tool('create_file', 'Create a new file. Existing files are changed with replace_in_file, never recreated.', CreateInput),
  tool(FINISH_TOOL, 'End the session with a summary of the change (or of why no change was made).', FinishEdits),
];

/** What one tool call produced: the result for the model, and a summary when it was `finish`. */
export interface ToolOutcome {
  readonly result: Anthropic.ToolResultBlockParam;
  readonly finishSummary?: string;
}

/**
 * Runs one tool call against the worktree. Refused paths, rejected edits and invalid inputs
 * become error results the model can read and act on; nothing here throws for them.
 */
export async function runEditTool(files: WorktreeFiles, call: Anthropic.ToolUseBlock): Promise<ToolOutcome> {
  try {
    if (call.name === FINISH_TOOL) {
      const { summary } = parseInput(FinishEdits, call.input);
      return { result: success(call, 'Session finished.'), finishSummary: summary };
    }
    return { result: success(call, await dispatch(files, call)) };
  } catch (error) {
    if (error instanceof PathRefusedError || error instanceof EditRejectedError || error instanceof InvalidToolInput) {
      return { result: { type: 'tool_result', tool_use_id: call.id, is_error: true, content: error.message } };
    }
    throw error;
  }
}

async function dispatch(files: WorktreeFiles, call: Anthropic.ToolUseBlock): Promise<string> {
  switch (call.name) {
    case 'list_files': {
      const listed = await files.list(parseInput(ListInput, call.input).path);
      return listed.length ? listed.join('\n') : '(no files)';
    }
    case 'view_file': {
      const input = parseInput(ViewInput, call.input);
      return files.view(input.path, input.start_line, input.end_line);
    }
    case 'replace_in_file': {
      const input = parseInput(ReplaceInput, call.input);
      await files.replace(input.path, input.old_text, input.new_text);
      return `Replaced one snippet in ${input.path}.`;
    }
    case 'create_file': {
      const input = parseInput(CreateInput, call.input);
      await files.create(input.path, input.content);
      return `Created ${input.path}.`;
    }
    default:
      throw new InvalidToolInput(`Unknown tool "${call.name}". Available: ${EDIT_TOOLS.map((entry) => entry.name).join(', ')}.`);
  }
}

class InvalidToolInput extends Error {}

function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidToolInput(`Invalid input: ${describeIssues(parsed.error.issues).join('; ')}.`);
  return parsed.data;
}

function success(call: Anthropic.ToolUseBlock, content: string): Anthropic.ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: call.id, content };
}

function tool(name: string, description: string, schema: z.ZodType): Anthropic.Tool {
  return { name, description, input_schema: toolInputSchema(schema) };
}
