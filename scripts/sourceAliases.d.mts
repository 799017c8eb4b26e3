export declare const sourceEntries: Record<string, string>
export declare const sourceAliases: { find: RegExp; replacement: string }[]
