// Who is signed in (role and, for an owner, its name), asked from the server once per page load.
import { api } from './api.js';

export interface Me {
  role: 'admin' | 'analyst' | 'owner';
  owner: string | null;
  tokenId: string;
}

let me: Me | null = null;

export async function loadMe(): Promise<Me | null> {
  try {
    me = await api.get<Me>('session');
  } catch {
    me = null;
  }
  return me;
}

export const currentMe = (): Me | null => me;
export const isStaff = (): boolean => me?.role === 'admin' || me?.role === 'analyst';
export function forget(): void {
  me = null;
}
