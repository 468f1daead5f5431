import { describe, test, expect } from "@jest/globals";
import { BodyBudget } from "../../src/server/body.js";

describe("the budget of bytes all bodies being received share", () => {
  const holder = (name: string, evicted: string[]) => ({
    bytes: 0,
    evict: () => evicted.push(name),
  });

  test("past the limit the largest body is evicted, not the small one that arrived last", () => {
    const evicted: string[] = [];
    const budget = new BodyBudget(100);
    const big = holder("big", evicted);
    const mid = holder("mid", evicted);
    const small = holder("small", evicted);
    expect(budget.take(big, 60)).toBe(true);
    expect(budget.take(mid, 30)).toBe(true);
    expect(budget.take(small, 20)).toBe(true);
    expect(evicted).toEqual(["big"]);
    expect(budget.held).toBe(50);
    expect(big.bytes).toBe(0);
  });

  test("a body that is itself the largest is the one refused", () => {
    const evicted: string[] = [];
    const budget = new BodyBudget(100);
    const a = holder("a", evicted);
    const b = holder("b", evicted);
    budget.take(a, 10);
    expect(budget.take(b, 95)).toBe(false);
    expect(evicted).toEqual(["b"]);
    expect(budget.held).toBe(10);
  });

  test("released bodies give their bytes back", () => {
    const budget = new BodyBudget(100);
    const a = holder("a", []);
    budget.take(a, 70);
    budget.release(a);
    budget.release(a);
    expect(budget.held).toBe(0);
    expect(budget.take(holder("b", []), 100)).toBe(true);
  });
});
