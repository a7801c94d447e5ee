/** One way of serving the conformance server, started on loopback for the suite to test. */
export interface Target {
  /** What the results table calls it. */
  readonly name: string;
  /** Where the suite sends its MCP requests. */
  readonly url: string;
  close(): Promise<void>;
}
