import type { ProtocolHeaders } from './options.js';

/** A fault the next session request meets, to test how the app handles it. */
export type SimulatedFault = 'expire' | 'rotate' | 'lock-timeout';

/**
 * The answer a real server gives for the fault, so it travels the same path as a real one. A rotation needs the
 * real response, so it has none: the transport sends the request and then counts a rotation.
 */
export const simulatedResponse = (fault: SimulatedFault, protocol: ProtocolHeaders): Response | undefined => {
  const json = { 'content-type': 'application/json' };
  if (fault === 'expire') {
    return new Response('{"message":"Session expired (simulated)."}', {
      status: 401,
      headers: { ...json, [protocol.expired]: '1' },
    });
  }
  if (fault === 'lock-timeout') {
    return new Response('{"message":"Session lock timeout (simulated)."}', {
      status: 423,
      headers: { ...json, [protocol.lock]: 'timeout', 'retry-after': '0' },
    });
  }
  return undefined;
};
