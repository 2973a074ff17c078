export type Logger = (msg: string, fields?: object) => void;

/** Structured logs: one JSON object per line on stdout. */
export const jsonLogger: Logger = (msg, fields) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);

export const silentLogger: Logger = () => {};
