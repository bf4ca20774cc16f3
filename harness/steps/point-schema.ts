/** A point in screen pixels and a mouse button, as pointer steps take them. */
import * as z from 'zod';

export const pointSchema = z.strictObject({ x: z.number().int().min(0), y: z.number().int().min(0) });
export const buttonSchema = z.enum(['left', 'middle', 'right']);
