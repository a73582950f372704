/**
 * @module server/schemas/bot
 *
 * Shapes of `/api/v1/bots` and `/api/v1/users` (bot users only) as upstream has them. A bot user's
 * `authenticationMechanism.config.JWTToken` is a password field: masked in every user response;
 * only `GET /users/auth-mechanism/{id}` and `PUT /users/generateToken/{id}` (admin) return the
 * token itself, with schemas of their own.
 */
import { entityBase, entityName, entityReference } from './common.js';

export const createBotBody = {
  type: 'object',
  properties: {
    name: entityName,
    displayName: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 65536 },
    botUser: { type: 'string', minLength: 1, maxLength: 256 },
    provider: { type: 'string', enum: ['user', 'system'] },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

export const botEntity = {
  type: 'object',
  properties: { ...entityBase, botUser: entityReference, provider: { type: 'string' } },
  additionalProperties: false,
} as const;

const expiry = { type: 'string', enum: ['OneHour', '1', '7', '30', '60', '90', 'Unlimited'] } as const;

export const createUserBody = {
  type: 'object',
  properties: {
    name: entityName,
    displayName: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 65536 },
    email: { type: 'string', maxLength: 320 },
    isBot: { type: 'boolean' },
    isAdmin: { type: 'boolean' },
    botName: { type: 'string', maxLength: 256 },
    authenticationMechanism: {
      type: 'object',
      properties: {
        authType: { type: 'string', enum: ['JWT'] },
        config: {
          type: 'object',
          properties: { JWTTokenExpiry: expiry, JWTToken: { type: 'string' } },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

/** A bot's JWT auth mechanism `config`: the token and its expiry. */
const jwtConfigProperties = {
  JWTToken: { type: 'string' },
  JWTTokenExpiry: { type: 'string' },
  JWTTokenExpiresAt: { type: 'integer' },
} as const;

const maskedMechanism = {
  type: 'object',
  properties: {
    authType: { type: 'string' },
    // Only the mask or a reference ever reaches config.JWTToken here (entityView masks it).
    config: { type: 'object', properties: jwtConfigProperties, additionalProperties: false },
  },
  additionalProperties: false,
} as const;

export const userEntity = {
  type: 'object',
  properties: {
    ...entityBase,
    email: { type: 'string' },
    isBot: { type: 'boolean' },
    isAdmin: { type: 'boolean' },
    authenticationMechanism: maskedMechanism,
  },
  additionalProperties: false,
} as const;

/** The one response that carries a bot's JWT in clear (admin only). */
export const jwtAuthMechanism = {
  type: 'object',
  properties: jwtConfigProperties,
  additionalProperties: false,
} as const;

export const authMechanismResponse = {
  type: 'object',
  properties: { authType: { type: 'string' }, config: jwtAuthMechanism },
  additionalProperties: false,
} as const;

export const generateTokenBody = {
  type: 'object',
  properties: { JWTTokenExpiry: expiry },
  additionalProperties: false,
} as const;
