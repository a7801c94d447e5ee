import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";

export interface ResourceRequest {
  endpoint: "authorization" | "token";
  /** For a token request: `authorization_code`, `refresh_token`... */
  grantType?: string;
  /** RFC 8707's parameter as sent; undefined when the request had none. */
  resource?: string;
}

/**
 * What a test asks of the server's traffic: which `resource` each authorization and token
 * request named (to prove a client sends it everywhere), and how many clients registered.
 * Read after the route ran, when the parameters are parsed; failed requests count too.
 */
export function recordRequests(provider: Provider): {
  resourceRequests: () => ResourceRequest[];
  registrations: () => number;
} {
  const requests: ResourceRequest[] = [];
  let registrations = 0;
  provider.use<object, KoaContextWithOIDC>(async function recordRequest(ctx, next) {
    try {
      await next();
    } finally {
      const route = ctx.oidc?.route;
      if (route === "registration" && ctx.method === "POST") registrations++;
      if (route === "authorization" || route === "token") {
        const params = ctx.oidc?.params ?? {};
        const request: ResourceRequest = { endpoint: route };
        if (typeof params.grant_type === "string") request.grantType = params.grant_type;
        if (typeof params.resource === "string") request.resource = params.resource;
        requests.push(request);
      }
    }
  });
  return {
    resourceRequests: () => requests.map((request) => ({ ...request })),
    registrations: () => registrations,
  };
}
