export { type AppOptions, createApp, type ZhirongApp } from './app.ts';
export { readCredential } from './auth.ts';
export { type ErrorListing, type HttpErrorCode, httpErrorList, httpErrors } from './errors.ts';
export { PROBLEM_CONTENT_TYPE } from './problem.ts';
export { bootstrapBanner, type ServeOptions, type ServerHandle, serve } from './serve.ts';
