/**
 * The shape of the webhook payloads the app acts on, checked before any
 * handler sees them: a signed delivery whose payload lacks a field the
 * handlers read gets a 400 naming the field, never an internal error.
 * Only what the handlers read is checked; other events pass untouched.
 */

type Check = (payload: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The value at a dotted path, or undefined. */
function at(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split(".")) {
    if (!isObject(v)) return undefined;
    v = v[key];
  }
  return v;
}

const SHA = /^[0-9a-f]{40}$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

type Kind = "sha" | "name" | "string" | "id" | "boolean?" | "number?" | "string?" | "array";

function kindOk(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case "sha":
      return typeof v === "string" && SHA.test(v);
    case "name":
      return typeof v === "string" && NAME.test(v);
    case "string":
      return typeof v === "string" && v.length <= 1000;
    case "id":
      return typeof v === "number" && Number.isSafeInteger(v) && v > 0;
    case "boolean?":
      return v === undefined || v === null || typeof v === "boolean";
    case "number?":
      return v === undefined || v === null || typeof v === "number";
    case "string?":
      return v === undefined || v === null || typeof v === "string";
    case "array":
      return Array.isArray(v) && v.length <= 1000;
  }
}

const DESCRIBE: Record<Kind, string> = {
  sha: "a commit id",
  name: "a repository or owner name",
  string: "a string",
  id: "a positive integer",
  "boolean?": "a boolean",
  "number?": "a number",
  "string?": "a string",
  array: "a list",
};

function fields(spec: Record<string, Kind>): Check {
  return (payload) => {
    for (const [path, kind] of Object.entries(spec))
      if (!kindOk(at(payload, path), kind)) return `${path} is not ${DESCRIBE[kind]}`;
    return undefined;
  };
}

const REPOSITORY = fields({
  action: "string",
  "repository.id": "id",
  "repository.name": "name",
  "repository.owner.login": "name",
});

/** `installation` is optional (an app's own deliveries carry it); when present its id is a number. */
const installation: Check = (p) =>
  at(p, "installation") === undefined || kindOk(at(p, "installation.id"), "id")
    ? undefined
    : "installation.id is not a positive integer";

const PULL_REQUEST = fields({
  "pull_request.number": "id",
  "pull_request.state": "string?",
  "pull_request.draft": "boolean?",
  "pull_request.changed_files": "number?",
  "pull_request.head.sha": "sha",
  "pull_request.base.sha": "sha",
});

const headRepo: Check = (p) => {
  const repo = at(p, "pull_request.head.repo");
  if (repo === undefined || repo === null) return undefined;
  return isObject(repo) && kindOk(repo.full_name, "string?")
    ? undefined
    : "pull_request.head.repo is not a repository";
};

/** The pull request list of a check run or suite: the fields fromRerequest reads. */
function pullList(path: string): Check {
  return (p) => {
    const list = at(p, path);
    if (!Array.isArray(list) || list.length > 1000) return `${path} is not a list`;
    for (const [i, item] of list.entries()) {
      const problem = fields({ number: "id", "head.sha": "string", "base.repo.id": "id" })(item);
      if (problem) return `${path}[${i}].${problem}`;
    }
    return undefined;
  };
}

const CHECKS: Record<string, Check[]> = {
  pull_request: [REPOSITORY, installation, PULL_REQUEST, headRepo],
  check_run: [
    REPOSITORY,
    installation,
    fields({ "check_run.head_sha": "sha", "check_run.name": "string" }),
    pullList("check_run.pull_requests"),
  ],
  check_suite: [
    REPOSITORY,
    installation,
    fields({ "check_suite.head_sha": "sha" }),
    pullList("check_suite.pull_requests"),
  ],
};

/** What is wrong with a payload of `event` that the app acts on, or undefined when nothing is. */
export function payloadProblem(event: string, payload: unknown): string | undefined {
  if (!isObject(payload)) return "the payload is not a JSON object";
  for (const check of CHECKS[event] ?? []) {
    const problem = check(payload);
    if (problem) return problem;
  }
  return undefined;
}
