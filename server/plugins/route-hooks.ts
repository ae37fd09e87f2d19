/** A route option's hooks as a list, whether it was given one hook, several, or none. */
export const hooksOf = <T>(h: T | T[] | undefined): T[] => (h === undefined ? [] : Array.isArray(h) ? h : [h]);
