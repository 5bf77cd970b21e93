import { EventEmitter } from 'node:events';
import { Logger } from './Logger.js';

const logger = new Logger('EnhancedEventEmitter');

/** Maps each event name to the tuple of its listener arguments. */
export type Events = Record<string, unknown[]>;

/**
 * A typed EventEmitter whose `safeEmit` survives a throwing listener: one
 * application bug in a listener must not break the entity that emits.
 */
export class EnhancedEventEmitter<E extends Events = Events> extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(Infinity);
  }

  override emit<K extends keyof E & string>(eventName: K, ...args: E[K]): boolean {
    return super.emit(eventName, ...args);
  }

  /** Emits and logs (instead of throwing) if a listener throws. */
  safeEmit<K extends keyof E & string>(eventName: K, ...args: E[K]): boolean {
    try {
      return super.emit(eventName, ...args);
    } catch (error) {
      logger.error(
        `safeEmit() | event listener threw an error [eventName:${eventName}]: ${String(error)}`,
      );
      try {
        super.emit('listenererror', eventName, error);
      } catch {
        // Nothing more to do: the listener of 'listenererror' threw too.
      }
      return Boolean(this.listenerCount(eventName));
    }
  }

  override on<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.on(eventName, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.once(eventName, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(eventName: K, listener: (...args: E[K]) => void): this {
    return super.off(eventName, listener as (...args: unknown[]) => void);
  }

  override addListener<K extends keyof E & string>(
    eventName: K,
    listener: (...args: E[K]) => void,
  ): this {
    return super.addListener(eventName, listener as (...args: unknown[]) => void);
  }

  override removeListener<K extends keyof E & string>(
    eventName: K,
    listener: (...args: E[K]) => void,
  ): this {
    return super.removeListener(eventName, listener as (...args: unknown[]) => void);
  }
}
