/**
 * The six points of a vertebral body, in the fixed order of ../shared/DESIGN.md:
 * anterior-superior, anterior-inferior, middle-superior, middle-inferior, posterior-superior,
 * posterior-inferior. Points may be 2D (image pixels) or 3D (patient mm).
 */
export type Point = readonly number[];

export type SixPoints<P extends Point = Point> = readonly [P, P, P, P, P, P];

export const pointNames = ['anterior-superior', 'anterior-inferior', 'middle-superior', 'middle-inferior', 'posterior-superior', 'posterior-inferior'] as const;

export const AS = 0;
export const AI = 1;
export const MS = 2;
export const MI = 3;
export const PS = 4;
export const PI = 5;
