/**
 * A doc tree's nodes by type, found in one walk and kept with the tree: the
 * rules ask for "every heading", "every link or image"... A walk of
 * unist-util-visit per rule per doc (about twenty) cost more than the rules'
 * own work; here each rule reads a list. Lists are in document order (the
 * order `visit` gives: a node before its children). The tree must not change
 * after it is first indexed (parse.ts finishes it before any rule runs).
 */
import type { Nodes, Parent, Root } from "mdast";

export interface Placed<T extends Nodes = Nodes> {
  node: T;
  parent: Parent | undefined;
  /** The node's index in its parent's children. */
  index: number | undefined;
}

interface NodeIndex {
  all: Placed[];
  byType: Map<string, Placed[]>;
}

const indexes = new WeakMap<Root, NodeIndex>();
const NONE: readonly Placed[] = [];

function build(tree: Root): NodeIndex {
  const all: Placed[] = [];
  const byType = new Map<string, Placed[]>();
  // An explicit stack: a deeply nested tree does not grow the call stack.
  const stack: Placed[] = [{ node: tree, parent: undefined, index: undefined }];
  while (stack.length > 0) {
    const placed = stack.pop()!;
    all.push(placed);
    let list = byType.get(placed.node.type);
    if (!list) byType.set(placed.node.type, (list = []));
    list.push(placed);
    const kids = (placed.node as Partial<Parent>).children;
    if (kids)
      for (let i = kids.length - 1; i >= 0; i--)
        stack.push({ node: kids[i], parent: placed.node as Parent, index: i });
  }
  return { all, byType };
}

function indexOf(tree: Root): NodeIndex {
  let index = indexes.get(tree);
  if (!index) indexes.set(tree, (index = build(tree)));
  return index;
}

/** The tree's nodes of one type, in document order. */
export function nodesOf<K extends Nodes["type"]>(
  tree: Root,
  type: K,
): readonly Placed<Extract<Nodes, { type: K }>>[] {
  return (indexOf(tree).byType.get(type) ?? NONE) as readonly Placed<Extract<Nodes, { type: K }>>[];
}

/** The tree's nodes of any of the types, in document order. */
export function nodesOfTypes(tree: Root, types: readonly Nodes["type"][]): Placed[] {
  const index = indexOf(tree);
  if (types.length === 1) return [...(index.byType.get(types[0]) ?? NONE)];
  const wanted = new Set<string>(types);
  if (!types.some((t) => index.byType.has(t))) return [];
  return index.all.filter((p) => wanted.has(p.node.type));
}

/** Calls `fn` on each node of the type, in document order (as `visit(tree, type, fn)` does). */
export function eachNode<K extends Nodes["type"]>(
  tree: Root,
  type: K,
  fn: (
    node: Extract<Nodes, { type: K }>,
    index: number | undefined,
    parent: Parent | undefined,
  ) => void,
): void {
  for (const { node, index, parent } of nodesOf(tree, type)) fn(node, index, parent);
}

/** Calls `fn` on each node of any of the types, in document order. */
export function eachNodeOf(
  tree: Root,
  types: readonly Nodes["type"][],
  fn: (node: Nodes, index: number | undefined, parent: Parent | undefined) => void,
): void {
  for (const { node, index, parent } of nodesOfTypes(tree, types)) fn(node, index, parent);
}
