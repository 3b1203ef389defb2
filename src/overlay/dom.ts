/** A child for `h`: strings become text nodes (never markup). */
export type Child = Node | string | false | null | undefined;

/** Creates an element with a class and children. No innerHTML anywhere: strings are appended as text. */
export const h = <Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  className?: string,
  ...children: Child[]
): HTMLElementTagNameMap[Tag] => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) if (child) node.append(child);
  return node;
};

/** A button that calls `onClick`; its listener goes with the element. */
export const button = (label: string, onClick: () => void, title?: string): HTMLButtonElement => {
  const node = h('button', '', label);
  node.type = 'button';
  if (title) node.title = title;
  node.addEventListener('click', onClick);
  return node;
};

/** Sets text only when it changed, so the 1 s tick touches nothing that did not change. */
export const setText = (node: Node, text: string): void => {
  if (node.textContent !== text) node.textContent = text;
};
