/** What orders the line: a higher priority first, then the order of creation (a retry keeps its number). */
type Ordered = { readonly priority: number; readonly seq: number };

/** Inserts `item` into `line`, kept by priority (highest first) and, within one, by `seq` (FIFO). */
export const insertInOrder = <T extends Ordered>(line: T[], item: T): void => {
  let index = line.length;
  while (index > 0) {
    const before = line[index - 1]!;
    if (before.priority > item.priority || (before.priority === item.priority && before.seq < item.seq))
      break;
    index--;
  }
  line.splice(index, 0, item);
};
