import { createBrowserRouter, Navigate, type RouteObject, useRouteError } from 'react-router';
import { AREAS } from '../areas/index.ts';
import { LoginPage } from './LoginPage.tsx';
import { OverviewPage } from './OverviewPage.tsx';
import { Loading, NotFound, ProblemView } from './Problem.tsx';
import { ProfilePage } from './ProfilePage.tsx';
import { Shell } from './Shell.tsx';
import { useSession } from './session.ts';

/** Signed out → the sign-in page (at whatever URL, so signing in lands where the user was going). */
function Gate() {
  const session = useSession();
  if (session.isPending) return <Loading />;
  if (session.isError) return <ProblemView error={session.error} onRetry={() => session.refetch()} />;
  if (session.data === null) return <LoginPage />;
  return <Shell />;
}

function RouteError() {
  return <ProblemView error={useRouteError()} />;
}

export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Gate />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <OverviewPage /> },
      ...AREAS.map((area) => ({ path: area.path, children: area.routes, errorElement: <RouteError /> })),
      { path: 'profile', element: <ProfilePage /> },
      { path: 'login', element: <Navigate to="/" replace /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
