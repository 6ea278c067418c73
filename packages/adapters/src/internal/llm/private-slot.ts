// Returns the object it is given, so that a subclass constructor adds its private field to that object.
class Returning {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: this is how a private field is added to an existing object.
    return target;
  }
}

/** A value attached to SDK objects we observe, in a private field. */
export interface PrivateSlot<T> {
  /** Attaches `value` to `target`; returns false when `target` already has one. */
  set(target: object, value: T): boolean;
  /** The value attached to `target`, if any. */
  get(target: object): T | undefined;
}

/**
 * A new private slot. The field is invisible to the application and to the SDK (`Object.keys`,
 * symbols, `util.inspect`, spreading), and adding it is as cheap as a plain property store, unlike
 * `Object.defineProperty`, which takes V8's slow path.
 */
export function privateSlot<T>(): PrivateSlot<T> {
  class Slot extends Returning {
    #value: T;

    constructor(target: object, value: T) {
      super(target);
      this.#value = value;
    }

    static has(target: object): boolean {
      return #value in target;
    }

    static read(target: object): T | undefined {
      return #value in target ? (target as Slot).#value : undefined;
    }
  }
  return {
    set(target, value) {
      if (Slot.has(target)) return false;
      new Slot(target, value);
      return true;
    },
    get: (target) => Slot.read(target),
  };
}
