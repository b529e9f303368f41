import { ConfigurationError } from './offline-agent-error.ts';
import type { Configuration } from './configuration.ts';
import type { KnobValue, SearchSpace, SeedSwitch } from './search-space.ts';
import { quoteShellWord, splitShellWords, type ShellToken } from './shell-words.ts';

/** A launch command with the environment variables to add when running it. */
export interface LaunchCommand {
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Options of {@link applyConfiguration}. */
export interface ApplyConfigurationOptions {
  /** Switch the headspace cache on (the headspace seed). Default: false. */
  readonly isHeadspace?: boolean;
}

// How the word after a matching flag is treated: always its value, a value only when it reads as
// a boolean, or never (a bare switch).
type ValueWord = 'value' | 'boolean' | 'none';

/**
 * Applies a configuration to the base launch command. A flag knob replaces an existing
 * `--flag value` or `--flag=value` in the command, or is appended before the first shell operator
 * (`|`, `;`, `>`…); a boolean true is the bare flag and false removes it. An env knob goes to
 * `env` (booleans as "1" / "0"). The subprocess and headspace switches are added when on and
 * removed from the command when off. Values are quoted for a POSIX shell.
 *
 * @example
 * applyConfiguration(space, 'python train.py --num-threads 16', { knobs: { num_threads: 4 }, subprocess: true });
 * // → { command: 'python train.py --num-threads 4 --loader-process', env: {} }
 */
export function applyConfiguration(
  space: SearchSpace,
  baseCommand: string,
  configuration: Configuration,
  options: ApplyConfigurationOptions = {},
): LaunchCommand {
  checkFits(space, configuration);
  const env: Record<string, string> = {};
  let command = baseCommand;

  for (const knob of space.knobs) {
    const value = configuration.knobs[knob.name] ?? knob.default;
    if (knob.env !== undefined) env[knob.env] = envText(value);
    else command = setFlag(command, knob.flag as string, flagWords(knob.flag as string, value), valueWord(value));
  }

  command = applySwitch(command, env, space.subprocess, configuration.subprocess);
  command = applySwitch(command, env, space.headspace, options.isHeadspace ?? false);
  return { command, env };
}

function checkFits(space: SearchSpace, configuration: Configuration): void {
  const unknown = Object.keys(configuration.knobs).find((name) => !space.knobs.some((knob) => knob.name === name));
  if (unknown !== undefined) {
    const known = space.knobs.map((knob) => knob.name).join(', ');
    throw new ConfigurationError(`knobs.${unknown}`, `Configuration sets knob "${unknown}", which the search space does not declare (knobs: ${known}). Use a declared knob or add it to the search space.`);
  }
  if (configuration.subprocess && space.subprocess === undefined) {
    throw new ConfigurationError('subprocess', 'Configuration turns subprocess loading on, but the search space declares no "subprocess" switch. Add one to the search space or leave subprocess off.');
  }
}

function envText(value: KnobValue): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function valueWord(value: KnobValue): ValueWord {
  return typeof value === 'boolean' ? 'boolean' : 'value';
}

function flagWords(flag: string, value: KnobValue): string | undefined {
  if (value === false) return undefined;
  if (value === true) return flag;
  return `${flag} ${quoteShellWord(String(value))}`;
}

function applySwitch(
  command: string,
  env: Record<string, string>,
  seedSwitch: SeedSwitch | undefined,
  isOn: boolean,
): string {
  if (seedSwitch === undefined) return command;

  if (seedSwitch.env !== undefined) {
    if (isOn) env[seedSwitch.env] = String(seedSwitch.value);
    return command;
  }

  const flag = seedSwitch.flag as string;
  const hasValue = seedSwitch.value !== undefined;
  const words = hasValue ? `${flag} ${quoteShellWord(String(seedSwitch.value))}` : flag;
  return setFlag(command, flag, isOn ? words : undefined, hasValue ? 'value' : 'none');
}

/**
 * Puts `words` in place of every occurrence of `flag` (the first one replaced, the others
 * removed, so a later duplicate cannot win), or appends them when the flag is absent.
 * `words` undefined removes the flag.
 */
function setFlag(command: string, flag: string, words: string | undefined, kind: ValueWord): string {
  const tokens = splitShellWords(command);
  const spans = flagSpans(tokens, flag, kind);
  if (spans.length === 0) return words === undefined ? command : insertWords(command, tokens, words);

  let result = command;
  for (let index = spans.length - 1; index >= 0; index -= 1) {
    const span = spans[index] as Span;
    const replacement = index === 0 ? words : undefined;
    result = replacement === undefined ? removeSpan(result, span) : spliceText(result, span, replacement);
  }
  return result;
}

interface Span {
  start: number;
  end: number;
}

function flagSpans(tokens: ShellToken[], flag: string, kind: ValueWord): Span[] {
  const spans: Span[] = [];
  tokens.forEach((token, index) => {
    if (token.isOperator) return;
    if (token.text.startsWith(`${flag}=`)) spans.push({ start: token.start, end: token.end });
    if (token.text !== flag) return;

    const next = tokens[index + 1];
    const isValue = next !== undefined && !next.isOperator && isValueWord(next.text, kind);
    spans.push({ start: token.start, end: isValue ? next.end : token.end });
  });
  return spans;
}

function isValueWord(text: string, kind: ValueWord): boolean {
  if (kind === 'none') return false;
  if (kind === 'boolean') return /^(true|false)$/i.test(text);
  // A negative number is a value; anything else starting with a dash is the next flag.
  return !/^--?[A-Za-z]/.test(text);
}

function spliceText(text: string, span: Span, replacement: string): string {
  return text.slice(0, span.start) + replacement + text.slice(span.end);
}

function removeSpan(text: string, span: Span): string {
  const before = text.slice(0, span.start).replace(/[ \t]+$/, '');
  const after = text.slice(span.end);
  return before.length === 0 ? after.replace(/^[ \t]+/, '') : before + after;
}

function insertWords(command: string, tokens: ShellToken[], words: string): string {
  const at = insertionIndex(command, tokens);
  const before = command.slice(0, at).trimEnd();
  const after = command.slice(at);
  if (after.trim().length === 0) return `${before} ${words}`;
  return `${before} ${words} ${after.trimStart()}`;
}

// Before the first control operator, so `train --x 1 | tee log` gets flags on `train`; a file
// descriptor written against a redirection (`2>`) belongs to the operator.
function insertionIndex(command: string, tokens: ShellToken[]): number {
  const operatorAt = tokens.findIndex((token) => token.isOperator);
  if (operatorAt === -1) return command.length;

  const operator = tokens[operatorAt] as ShellToken;
  const previous = tokens[operatorAt - 1];
  const isDescriptor = previous !== undefined && previous.end === operator.start && /^\d+$/.test(previous.text);
  return isDescriptor && /^[<>]/.test(operator.text) ? previous.start : operator.start;
}
