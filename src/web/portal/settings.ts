import type { ServiceDeps } from '../../services/deps.ts';
import { maxUploadBytes } from '../../services/portal/documents.ts';
import { virusScannerFromEnv, type VirusScanner } from '../../files/virus-scan.ts';

/**
 * The portal's adjustable parts. By default they come from the environment (CLAMAV_HOST,
 * CLAMSCAN_DATABASE, MAX_UPLOAD_MB); tests and other callers may set them for one application,
 * keyed by its services, before its first request.
 */
export interface PortalLimits {
  /** Codes one email address may ask for in an hour (also enforced in the database). */
  codesPerEmailPerHour: number;
  /** Code requests from one client address in an hour. */
  codesPerIpPerHour: number;
  /** Codes one client address may try in an hour. */
  codeChecksPerIpPerHour: number;
}

export interface PortalOptions {
  scanner?: VirusScanner;
  maxUploadBytes?: number;
  limits?: Partial<PortalLimits>;
}

export interface PortalSettings {
  scanner: VirusScanner;
  maxUploadBytes: number;
  limits: PortalLimits;
}

export const defaultLimits: PortalLimits = { codesPerEmailPerHour: 5, codesPerIpPerHour: 30, codeChecksPerIpPerHour: 50 };

const configured = new WeakMap<ServiceDeps, PortalOptions>();

/** Sets the portal's scanner, upload size or limits for the application built on `services`. */
export function configurePortal(services: ServiceDeps, options: PortalOptions): void {
  const current = configured.get(services) ?? {};
  configured.set(services, { ...current, ...options, limits: { ...current.limits, ...options.limits } });
}

let fromEnv: { scanner: VirusScanner; maxUploadBytes: number } | undefined;

/** The settings in force now: what was configured, then what the routes were given, then the environment. */
export function portalSettings(services: ServiceDeps, given: PortalOptions = {}): PortalSettings {
  fromEnv ??= { scanner: virusScannerFromEnv(), maxUploadBytes: maxUploadBytes() };
  const set = configured.get(services) ?? {};
  return {
    scanner: set.scanner ?? given.scanner ?? fromEnv.scanner,
    maxUploadBytes: set.maxUploadBytes ?? given.maxUploadBytes ?? fromEnv.maxUploadBytes,
    limits: { ...defaultLimits, ...given.limits, ...set.limits },
  };
}
