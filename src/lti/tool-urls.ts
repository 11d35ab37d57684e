import type { Request } from 'express';

/** The URLs memgrade tells platforms about, from LTI_PUBLIC_URL or (unset) the request's own origin. */
export class ToolUrls {
  constructor(readonly base: string) {}

  static of(publicUrl: string | undefined, request: Request): ToolUrls {
    if (publicUrl) return new ToolUrls(publicUrl.replace(/\/+$/, ''));
    return new ToolUrls(`${request.protocol}://${request.get('host') ?? 'localhost'}`);
  }

  get secure(): boolean {
    return this.base.startsWith('https://');
  }
  get login() {
    return `${this.base}/lti/login`;
  }
  get launch() {
    return `${this.base}/lti/launch`;
  }
  get jwks() {
    return `${this.base}/lti/jwks`;
  }
  get deepLinking() {
    return `${this.base}/lti/deep-linking`;
  }
  get registration() {
    return `${this.base}/lti/register`;
  }
  get domain() {
    return new URL(this.base).host;
  }
}
