/**
 * House styles. Every repository gets Google's Markdown style guide; the
 * `gvisor` preset adds gVisor's house style on top of it:
 * - terminology: the terms gVisor's docs settled on ("userspace",
 *   "filesystem", "GitHub", "gVisor"), unless `terms:` replaces them;
 * - list-marker: every list padded to 4 columns, small lists included
 *   (Google's guide lets small flat lists of one-line items use 1 space);
 * - messages that name gVisor's docs and gvisor.dev.
 *
 * `preset: auto` (the default) picks `gvisor` for gVisor's tree: docs
 * published by Bazel `doc()` rules (BUILD files beside the docs that the
 * publishing model reads), a `website/BUILD` registry, or gVisor's source
 * layout (`runsc/` and `pkg/sentry/`); `google` otherwise.
 */
import type { Config, Term } from "./defaults.js";
import { DEFAULT_TERMS } from "./defaults.js";

export const PRESETS = ["auto", "gvisor", "google"] as const;
export type PresetSetting = (typeof PRESETS)[number];
export type Preset = Exclude<PresetSetting, "auto">;

/** The terms a preset checks when the config does not replace them. */
export function presetTerms(preset: PresetSetting): Term[] {
  return preset === "google" ? [] : DEFAULT_TERMS.map((t) => ({ ...t, avoid: [...t.avoid] }));
}

/** What the preset is chosen by. */
export interface RepositoryTraits {
  /** BUILD doc() rules publish the docs (the publishing model loaded). */
  publishedByDocRules: boolean;
  /** Whether a file exists at head. */
  hasFile(path: string): boolean;
  /** Whether a folder exists at head. */
  hasFolder(path: string): boolean;
}

/** The preset `auto` resolves to, from what the repository contains. */
export function detectPreset(config: Config, repo: RepositoryTraits): Preset {
  if (repo.publishedByDocRules) return "gvisor";
  if (config.build.registry && repo.hasFile(config.build.registry)) return "gvisor";
  if (repo.hasFolder("runsc") && repo.hasFolder("pkg/sentry")) return "gvisor";
  return "google";
}

/** The config with its preset resolved (never `auto`). */
export function withPreset(config: Config, repo: RepositoryTraits): Config {
  if (config.preset !== "auto") return config;
  return { ...config, preset: detectPreset(config, repo) };
}

/** The terms the terminology rule checks: the preset's (or `terms:`), then `addTerms:`. */
export function termsOf(config: Config): Term[] {
  return [...(config.terms ?? presetTerms(config.preset)), ...config.addTerms];
}

/** Whether a term is one of the preset's own (its message then names the house that settled on it). */
export function isPresetTerm(config: Config, term: Term): boolean {
  return config.terms === null && presetTerms(config.preset).some((t) => t.use === term.use);
}
