import { Module } from '@nestjs/common';
import { WebAssets } from './web-assets';
import { WebController } from './web.controller';

/** The web pages for students and instructors, served at "/" (same origin as the API). */
@Module({ controllers: [WebController], providers: [{ provide: WebAssets, useFactory: () => new WebAssets() }] })
export class WebModule {}
