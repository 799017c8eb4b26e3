/** An update with no structs and an empty delete set, as clients send when nothing is missing. */
export function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0
}
