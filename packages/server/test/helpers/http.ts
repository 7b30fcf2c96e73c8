/** Small HTTP helpers over fetch: every test talks to the server as a client would. */
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

async function toJson<T>(response: Response): Promise<JsonResponse<T>> {
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

export async function postForm<T = any>(url: string, params: Record<string, string>): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return toJson<T>(response);
}

export async function postJson<T = any>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return toJson<T>(response);
}

export async function get<T = any>(url: string, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return toJson<T>(await fetch(url, { headers }));
}

export async function request<T = any>(url: string, init: RequestInit): Promise<JsonResponse<T>> {
  return toJson<T>(await fetch(url, init));
}
