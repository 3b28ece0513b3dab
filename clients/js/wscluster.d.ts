// Types of wscluster.js, the JavaScript client of a wscluster. The wire contract is
// docs/protocol.md; the guarantees and how they are kept are docs/clients.md.

/** Any JSON value: what a message carries. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Priority = "low" | "normal" | "high" | "critical";

export type ClientState = "connecting" | "connected" | "reconnecting" | "closed";

/** A room's stream position: messages are numbered by `offset` within an `epoch`. */
export interface Position {
  epoch: string;
  offset: number;
}

export interface Backoff {
  /** The first wait's ceiling, in ms (default 100). */
  initialMs?: number;
  /** The longest wait's ceiling, in ms (default 10000). */
  maxMs?: number;
  /** How the ceiling grows per failed attempt (default 2). Each wait is between half its ceiling and all of it. */
  multiplier?: number;
}

/** The WebSocket constructor to use: the browser's, Node 22's global one, or e.g. the ws package's. */
export interface WebSocketConstructor {
  new (url: string, protocols?: string | string[]): WebSocketLike;
}

export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface ClientOptions {
  /** A fixed JWT, sent as `?token=`. */
  token?: string;
  /**
   * Asked for a JWT before the first connection, before a reconnect when the token held ends within
   * 10 s or the last attempt was refused, and at 80% of a token's life (at least 5 s before its
   * `exp`) to renew it on the open connection with the protocol's `refresh`. Not with `token`.
   */
  getToken?: () => string | Promise<string>;
  /** Where there is no global WebSocket (Node.js 20 without --experimental-websocket). */
  WebSocket?: WebSocketConstructor;
  backoff?: Backoff;
  /** How long a request waits for its reply, and a held request for a connection (default 10000). */
  requestTimeoutMs?: number;
  /** After this long without a frame the client pings; a ping unanswered as long again ends the connection (default 5000). */
  keepAliveMs?: number;
  /** How long a new connection may take to be welcomed (default 5000). */
  connectTimeoutMs?: number;
  /** How many requests may wait for a connection; more fail at once with `held_queue_full` (default 1000). */
  maxHeldRequests?: number;
  /** How many requests (subscriptions aside) may await replies at once; more wait their turn (default 50; a node refuses more than its max-pending-requests, 100). */
  maxInFlight?: number;
}

export interface RoomMessage {
  room: string;
  epoch: string;
  offset: number;
  data: Json;
  /** The publisher's user id, null when anonymous or published by a back end without one. */
  from: string | null;
  /** The server's accept time, epoch ms. */
  ts: number;
}

/** A message sent to this client's user (`user` set) or to everyone (`broadcast` true). */
export interface DirectMessage {
  user: string | null;
  broadcast: boolean;
  data: Json;
  from: string | null;
  ts: number;
}

export interface Subscribed extends Position {
  room: string;
  /** Whether the server replays from `since`; false for a first subscription. */
  recovered: boolean;
}

export interface Presence {
  room: string;
  users: string[];
  connections: number;
}

export interface History extends Position {
  room: string;
  messages: RoomMessage[];
}

/** The codes of the protocol (`bad_request`, `unauthorized`, `forbidden`, `too_large`, `rate_limited`, `unavailable`, `outcome_unknown`, `internal`) and the SDK's own. */
export type ErrorCode =
  | "bad_request" | "unauthorized" | "forbidden" | "not_found" | "too_large" | "rate_limited" | "unavailable"
  | "outcome_unknown" | "internal"
  | "timeout" | "connection_lost" | "closed" | "held_queue_full" | "token_failed" | "bad_url" | "silent"
  | "session_refused" | "handler_failed" | "unsubscribed"
  | (string & {});

export class WscError extends Error {
  readonly code: ErrorCode;
  /** False when the request never left this client: nothing was done. */
  readonly sent: boolean;
  constructor(code: ErrorCode, message: string, sent?: boolean);
}

export interface ClientEvents {
  state: { state: ClientState };
  connected: { node: string; session: string; user: string | null; resumed: boolean };
  disconnected: { code: number; reason: string; node: string | null; url: string };
  /** The server asked the client to reconnect (`drain`, `rebalance`, `failover`, `shutdown`, `isolated`). */
  move: { reason: string | null; url: string | null; afterMs: number };
  /** After a reconnect the server replays the room from where the client was: nothing lost. */
  resubscribed: { room: string; epoch: string; offset: number };
  /** The server dropped offsets `from`..`to` held for this slow client; read them with `history` since `from - 1`. */
  gap: { room: string; epoch: string; from: number; to: number };
  /** The history no longer reached back to `since`: messages after it up to `offset` are lost; reload the room's state. */
  lost: { room: string; epoch: string; offset: number; since: Position | null };
  /** The room ended: its grant ended, or a resubscription was refused. */
  unsubscribed: { room: string; reason: string | null };
  /** Messages to this user or broadcast between these server times may not have arrived. */
  direct_gap: { of: "user" | "broadcast"; fromTs: number; toTs: number };
  message: DirectMessage;
  refreshed: { expiresAt: number | null };
  error: WscError;
  closed: Record<string, never>;
}

export declare const DEFAULTS: Readonly<Required<Omit<ClientOptions, "token" | "getToken" | "WebSocket">>>;

/** How long attempt `attempt` (from 0) waits: between half and all of min(maxMs, initialMs × multiplier^attempt). */
export declare function backoffDelay(backoff: Required<Backoff>, attempt: number, random?: () => number): number;

/** A JWT's `exp` in epoch ms, or null. */
export declare function tokenExpiry(token: string | null | undefined): number | null;

export declare class WscClient {
  /** Starts connecting to the first URL at once. */
  constructor(urls: string | string[], options?: ClientOptions);
  readonly state: ClientState;
  readonly node: string | null;
  readonly session: string | null;
  readonly user: string | null;
  readonly duplicatesDropped: number;
  readonly heldRequests: number;
  readonly rooms: Record<string, { epoch: string | null; offset: number }>;
  /** Resolves at the first welcome; rejects if the client is closed before. */
  ready(): Promise<{ node: string; session: string; user: string | null }>;
  /** Replaces the URLs tried after a loss. */
  setUrls(urls: string | string[]): void;
  on<K extends keyof ClientEvents>(type: K, listener: (event: ClientEvents[K]) => void): () => void;
  off<K extends keyof ClientEvents>(type: K, listener: (event: ClientEvents[K]) => void): void;
  subscribe(room: string, handler: (message: RoomMessage) => void, options?: { since?: Position; token?: string }): Promise<Subscribed>;
  unsubscribe(room: string): Promise<void>;
  /** Resolves with the message's offset once stored. */
  publish(room: string, data: Json, options?: { priority?: Priority; idempotencyKey?: string }): Promise<number>;
  send(user: string, data: Json, options?: { priority?: Priority }): Promise<void>;
  broadcast(data: Json, options?: { priority?: Priority }): Promise<void>;
  presence(room: string): Promise<Presence>;
  history(room: string, options?: { since?: Position; limit?: number }): Promise<History>;
  close(): void;
}
