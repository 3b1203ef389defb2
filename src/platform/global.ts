// The script-tag build: everything the npm entry exports, as the global `SessionFetch`.
export * from '../index.js';
