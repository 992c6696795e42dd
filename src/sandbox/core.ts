// The sandbox's in-process state and operations (directory, settings, faults, throttle window,
// request log), shared by the public API, the control plane and the HTTP server.
import { Directory } from './directory';
import { FaultTable } from './faults';
import type { GraphContext } from './graph/context';
import { applySettings, defaultSettings } from './settings';
import { SlidingWindow } from './throttle';
import type { TokenIssuer } from './tokens';
import type { FaultRule, RequestLogEntry, SandboxSettings, SandboxUser, SeedData } from './types';

const MAX_LOG = 10_000;

export class SandboxCore {
  readonly ctx: GraphContext;
  private readonly initialSettings: SandboxSettings;
  private log: RequestLogEntry[] = [];

  constructor(opts: {
    seed: SeedData;
    dataFile?: string;
    tokens: TokenIssuer;
    settings: Partial<SandboxSettings>;
    throttle: { invitationsPerWindow: number; windowMs: number };
  }) {
    this.initialSettings = defaultSettings(opts.settings);
    this.ctx = {
      url: '',
      seed: opts.seed,
      directory: new Directory(opts.seed, opts.dataFile),
      settings: structuredClone(this.initialSettings),
      faults: new FaultTable(),
      throttle: new SlidingWindow(opts.throttle.invitationsPerWindow, opts.throttle.windowMs),
      tokens: opts.tokens,
      memberAddAttempts: new Map(),
    };
  }

  /** Back to seed: directory, settings as started, no faults, empty throttle window and counters. */
  reset(): void {
    this.ctx.directory.reset();
    this.ctx.settings = structuredClone(this.initialSettings);
    this.ctx.faults.clear();
    this.ctx.throttle.reset();
    this.ctx.memberAddAttempts.clear();
  }

  updateSettings(patch: unknown): SandboxSettings {
    applySettings(this.ctx.settings, patch);
    return structuredClone(this.ctx.settings);
  }

  addFault(rule: FaultRule): void {
    this.ctx.faults.add(rule);
  }

  /** Guest redemption: by user id, mail, otherMails or UPN. */
  redeem(emailOrUserId: string): SandboxUser {
    const dir = this.ctx.directory;
    const user = dir.userById(emailOrUserId) ?? dir.userByEmail(emailOrUserId);
    if (!user) throw new Error(`no user '${emailOrUserId}' in the sandbox tenant`);
    if (user.userType !== 'Guest' && user.creationType !== 'Invitation') throw new Error(`user '${emailOrUserId}' is not an invited guest`);
    dir.redeem(user);
    return user;
  }

  record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }

  requests(): RequestLogEntry[] {
    return structuredClone(this.log);
  }

  clearRequests(): void {
    this.log = [];
  }
}
