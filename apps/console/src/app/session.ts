import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get } from './api.ts';
import type { Locale } from './i18n.tsx';

export type Role = 'admin' | 'risk_analyst' | 'loan_officer' | 'compliance_officer' | 'operator';

export interface Staff {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly status: 'active' | 'disabled';
  readonly locale: Locale | null;
  readonly accessible: boolean | null;
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastLoginAt: string | null;
}

export interface SessionInfo {
  readonly staff: Staff;
  readonly scopes: readonly string[];
  readonly expiresAt: string;
}

export const SESSION_KEY = ['session'] as const;

/** The signed-in user, or null when signed out (401). */
export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async (): Promise<SessionInfo | null> => {
      try {
        return await get<SessionInfo>('/v1/identity/session');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export function useSessionInfo(): SessionInfo {
  const session = useSession();
  if (!session.data) throw new Error('useSessionInfo outside a signed-in page');
  return session.data;
}

export function useSignedOut() {
  const client = useQueryClient();
  return () => {
    client.setQueryData(SESSION_KEY, null);
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  };
}
