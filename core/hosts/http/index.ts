export { startHttpHost } from './http.host';
export type { HttpHost, HttpHostOptions } from './http.host';
