/**
 * The wire vocabulary. Values of the base protocol are fixed by y-protocols, so that stock
 * y-websocket clients interoperate; Tandem's own extension messages are added here too, and
 * only here, so that every layer speaks the same numbers.
 */
export enum MessageType {
  Sync = 0,
  Awareness = 1,
  Auth = 2,
  QueryAwareness = 3,
}

/** Second varUint of a {@link MessageType.Sync} message. */
export enum SyncMessageType {
  Step1 = 0,
  Step2 = 1,
  Update = 2,
}

/** Second varUint of a {@link MessageType.Auth} message (y-protocols/auth). */
export enum AuthMessageType {
  PermissionDenied = 0,
}
