/**
 * Where bootgate last put the pointer, for a person at a repro: the machine is wrapped so that
 * every pointer move (a step's, a nested step's, a click's, a session command's) is seen, and no
 * step needs to report it. The guest may have moved its cursor since (a reboot, its own warp).
 */
import type { Machine } from '../machine/machine.js';

export interface PointerPosition {
  readonly x: number;
  readonly y: number;
}

export class PointerTracker {
  /** Undefined until a move has reached the machine. */
  position: PointerPosition | undefined;

  /** The machine, with its pointer moves recorded once they succeed. */
  track(machine: Machine): Machine {
    const moved = async (x: number, y: number) => {
      await machine.pointerMove(x, y);
      this.position = { x, y };
    };
    return new Proxy(machine, {
      get: (target, key) => {
        if (key === 'pointerMove') return moved;
        const value: unknown = Reflect.get(target, key, target);
        // Bound to the machine itself: its methods may use private fields, which a proxy lacks.
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** `pointer 222,347`, or nothing before the first move. */
  describe(): string | undefined {
    return this.position && `pointer ${this.position.x},${this.position.y}`;
  }
}
