import type { LoggedEvent } from './php-server.js';

/** The most writes at the server at once, from the logged events (an attempt runs from its start to its response). */
export const maxInFlight = (events: LoggedEvent[]): number => {
  const open = new Set<unknown>();
  let most = 0;
  for (const event of events) {
    if (event.name === 'request:start') {
      open.add(event.detail.id);
      most = Math.max(most, open.size);
    } else if (event.name === 'request:response') {
      open.delete(event.detail.id);
    }
  }
  return most;
};

/** The request:start events of request `id`, in order. */
export const startsOf = (events: LoggedEvent[], id: unknown) =>
  events.filter((event) => event.name === 'request:start' && event.detail.id === id);

/** The index in `events` of the first event named `name` of request `id`. */
export const indexOf = (events: LoggedEvent[], name: string, id: unknown, from = 0) =>
  events.findIndex((event, index) => index >= from && event.name === name && event.detail.id === id);

/** The id of the request whose URL has `?tag=<tag>` (or `&tag=<tag>`). */
export const idOfTag = (events: LoggedEvent[], tag: string): unknown =>
  events.find((event) => new RegExp(`[?&]tag=${tag}(&|\\s|$)`).test(String(event.detail.request)))?.detail.id;
