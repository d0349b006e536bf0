/** A person named in a request: a platform user id, or a handle typed after `@`. */
export interface PersonRef {
  userId?: string;
  handle?: string;
}
