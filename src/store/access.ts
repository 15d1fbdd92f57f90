// The access part of the store contract (filled in by the access work).
export interface AccessStore {}
