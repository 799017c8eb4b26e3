// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * Whether text holds control characters (NUL included): no path or document name needs
 * them, file APIs throw on NUL, and logs and terminals misread the rest.
 */
export function hasControlBytes(text: string): boolean {
  return CONTROL.test(text)
}
