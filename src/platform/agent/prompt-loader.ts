import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromptTemplateError } from './agent-errors.ts';

/** The project's own `prompts/` folder. */
export const DEFAULT_PROMPTS_DIR = fileURLToPath(new URL('../../../prompts/', import.meta.url));

/** A placeholder is `{{NAME}}`: upper-case letters, digits and underscores. */
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/**
 * Reads `prompts/<name>.md` and fills its `{{NAME}}` placeholders in one pass, so text inside a
 * value (pipeline output, a comment) is never scanned for placeholders itself.
 *
 * Throws {@link PromptTemplateError} when the template is missing, when a placeholder has no
 * value, or when a value names no placeholder (a misspelt key would otherwise vanish silently).
 *
 * @example
 * const text = await renderPrompt('answer', { QUESTION: fenced, STATUS: status });
 */
export async function renderPrompt(
  name: string,
  values: Readonly<Record<string, string>>,
  promptsDir: string = DEFAULT_PROMPTS_DIR,
): Promise<string> {
  const template = await readTemplate(name, promptsDir);
  const wanted = placeholdersOf(template);

  const unfilled = wanted.filter((key) => values[key] === undefined);
  if (unfilled.length > 0) {
    throw new PromptTemplateError(name, `Template ${name}.md has unfilled placeholder(s): ${unfilled.join(', ')}. Supply a value for each.`);
  }

  const unused = Object.keys(values).filter((key) => !wanted.includes(key));
  if (unused.length > 0) {
    throw new PromptTemplateError(name, `Template ${name}.md has no placeholder for: ${unused.join(', ')}. Remove the value or add {{${unused[0]}}} to the template.`);
  }

  return template.replace(PLACEHOLDER, (_match, key: string) => values[key] as string);
}

/** The names of the placeholders in a template, each once, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/**
 * The knowledge base: every `prompts/knowledge/*.md`, sorted by file name, joined with blank
 * lines. Throws {@link PromptTemplateError} when the folder is missing or empty.
 */
export async function loadKnowledge(promptsDir: string = DEFAULT_PROMPTS_DIR): Promise<string> {
  const folder = join(promptsDir, 'knowledge');
  const names = await readdir(folder).catch(() => [] as string[]);
  const files = names.filter((file) => file.endsWith('.md')).sort();
  if (files.length === 0) {
    throw new PromptTemplateError('knowledge', `No knowledge files found: expected markdown files in ${folder}.`);
  }

  const texts = await Promise.all(files.map((file) => readFile(join(folder, file), 'utf8')));
  return texts.map((text) => text.trim()).join('\n\n');
}

async function readTemplate(name: string, promptsDir: string): Promise<string> {
  const path = join(promptsDir, `${name}.md`);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new PromptTemplateError(name, `Prompt template "${name}" not found: expected the file ${path}.`);
  }
}
