import nock from 'nock';

/** The key every test client uses; the SDK sends it as `authorization: Bearer <key>`. */
export const TEST_API_KEY = 'sk-ant-test-key';

/** A content block of a Messages API reply. */
export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** One scripted HTTP answer of the mock API. */
export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

/** A successful Messages API reply, shaped like the real endpoint's. */
export function messageReply(
  content: ReplyBlock[],
  options: { model?: string; stopReason?: string; inputTokens?: number; outputTokens?: number; cacheReadTokens?: number; requestId?: string } = {},
): ScriptedReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'request-id': options.requestId ?? `req_${Math.random().toString(36).slice(2, 10)}` },
    body: {
      id: `msg_${Math.random().toString(36).slice(2, 10)}`,
      type: 'message',
      role: 'assistant',
      model: options.model ?? 'claude-sonnet-5',
      content,
      stop_reason: options.stopReason ?? (content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage: {
        input_tokens: options.inputTokens ?? 1000,
        output_tokens: options.outputTokens ?? 200,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: options.cacheReadTokens ?? 0,
      },
    },
  };
}

/** A tool call block. */
export function toolUse(name: string, input: unknown, id = `toolu_${Math.random().toString(36).slice(2, 10)}`): ReplyBlock {
  return { type: 'tool_use', id, name, input };
}

/** An API error reply (429 rate limit, 529 overloaded, …). */
export function errorReply(status: number, type: string, headers: Record<string, string> = {}): ScriptedReply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'request-id': `req_err_${status}`, ...headers },
    body: { type: 'error', error: { type, message: `${type} (scripted)` } },
  };
}

/**
 * Scripts the Messages endpoint to answer the given replies in order, and records each request
 * body. Only requests carrying the test key match; an unmatched request would surface in the
 * SDK as a misleading connection timeout, so check `scope.done()` and the captured bodies.
 */
export function scriptMessages(replies: readonly ScriptedReply[]): { scope: nock.Scope; requests: Array<Record<string, any>> } {
  const requests: Array<Record<string, any>> = [];
  const scope = nock('https://api.anthropic.com', { reqheaders: { authorization: `Bearer ${TEST_API_KEY}` } });
  for (const reply of replies) {
    scope
      .post('/v1/messages', (body) => {
        requests.push(body as Record<string, any>);
        return true;
      })
      .reply(reply.status ?? 200, reply.body as nock.Body, reply.headers);
  }
  return { scope, requests };
}
