/** Puts `<meta name="csrf-token" content=token>` in the document's head, replacing any; undefined removes it. */
export const setCsrfMeta = (token: string | undefined): void => {
  document.head.querySelector('meta[name="csrf-token"]')?.remove();
  if (token === undefined) return;
  const meta = document.createElement('meta');
  meta.setAttribute('name', 'csrf-token');
  meta.setAttribute('content', token);
  document.head.append(meta);
};
