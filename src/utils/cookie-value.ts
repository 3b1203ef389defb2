/** A cookie's raw value as the page sees it in document.cookie (trimmed), or undefined (absent, or no document). */
export const cookieValue = (name: string): string | undefined => {
  const cookies = (globalThis.document as Document | undefined)?.cookie;
  if (!cookies) return undefined;
  for (const pair of cookies.split(';')) {
    const index = pair.indexOf('=');
    if (index > 0 && pair.slice(0, index).trim() === name) return pair.slice(index + 1).trim();
  }
  return undefined;
};
