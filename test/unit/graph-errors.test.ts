// How a Graph failure is classified for the domain: its kind, whether the request may have taken
// effect (ambiguous), and the Retry-After it carried. The errors are shaped as the Graph SDK
// throws them (GraphError: statusCode, code, headers; a thrown error's name becomes its code).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TRANSPORT_FAILURES } from '../../src/graph/boundedRequests';
import { isTokenEndpointUnavailable } from '../../src/graph/graphClient';
import { toDirectoryError, type CallEffect } from '../../src/graph/graphErrors';

const answered = (statusCode: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${statusCode}`), { statusCode, code: 'Injected', headers: new Headers(headers) });
const unanswered = (code: string) => Object.assign(new Error(code), { statusCode: -1, code });

describe('classifying Graph failures for the domain', () => {
  const cases: [string, unknown, CallEffect, string, boolean][] = [
    ['429 on a write', answered(429, { 'retry-after': '7' }), 'write', 'throttled', false],
    ['504 on a write', answered(504), 'write', 'unavailable', true],
    ['500 on a write', answered(500), 'write', 'unavailable', true],
    ['502 on a write', answered(502), 'write', 'unavailable', true],
    ['503 without Retry-After on a write', answered(503), 'write', 'unavailable', true],
    ['503 with Retry-After on a write: turned away unserved', answered(503, { 'retry-after': '2' }), 'write', 'unavailable', false],
    ['504 on a read', answered(504), 'read', 'unavailable', false],
    ['timeout on a write', unanswered(TRANSPORT_FAILURES.timeout), 'write', 'unavailable', true],
    ['timeout on a read', unanswered(TRANSPORT_FAILURES.timeout), 'read', 'unavailable', false],
    ['dropped connection on a write', unanswered(TRANSPORT_FAILURES.connectionLost), 'write', 'unavailable', true],
    ['dropped connection on a read', unanswered(TRANSPORT_FAILURES.connectionLost), 'read', 'unavailable', false],
    ['an aborted body read on a write', unanswered('TimeoutError'), 'write', 'unavailable', true],
    ['Graph unreachable on a write: nothing was sent', unanswered(TRANSPORT_FAILURES.unreachable), 'write', 'unavailable', false],
    ['token endpoint unavailable on a write: nothing was sent', unanswered(TRANSPORT_FAILURES.tokenUnavailable), 'write', 'unavailable', false],
  ];
  for (const [name, error, effect, kind, ambiguous] of cases) {
    it(`${name}: ${kind}${ambiguous ? ', ambiguous' : ''}`, () => {
      const e = toDirectoryError(error, 'User.Invite.All', effect);
      assert.equal(e.kind, kind);
      assert.equal(e.ambiguous, ambiguous);
    });
  }

  it('carries the Retry-After seconds in the trace, also from an HTTP date', () => {
    assert.equal(toDirectoryError(answered(429, { 'retry-after': '120' }), 'User.Invite.All', 'write').trace.retryAfterSeconds, 120);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const seconds = toDirectoryError(answered(429, { 'retry-after': inAMinute }), 'User.Invite.All').trace.retryAfterSeconds ?? 0;
    assert.ok(seconds > 55 && seconds <= 61, String(seconds));
    assert.equal(toDirectoryError(answered(504), 'User.Invite.All').trace.retryAfterSeconds, undefined);
  });

  it("tells an unavailable token endpoint from a refusal of the app's credentials", () => {
    assert.equal(isTokenEndpointUnavailable(new Error('temporarily_unavailable: Error(s): 90033 - Description: AADSTS90033: A transient error has occurred.')), true);
    assert.equal(isTokenEndpointUnavailable(new Error('network_error: See https://aka.ms/msal.js.errors#network_error for details')), true);
    assert.equal(isTokenEndpointUnavailable(Object.assign(new Error('x'), { statusCode: 503 })), true);
    assert.equal(isTokenEndpointUnavailable(new Error('invalid_client: AADSTS7000215: Invalid client secret provided.')), false);
    assert.equal(isTokenEndpointUnavailable(Object.assign(new Error('x'), { statusCode: 401 })), false);
  });
});
