"""Leg 4: API Gateway. Every route × what the caller presents, called for real, next to what the
token checks predict; open a cell for the request, the authorizer's reasoning and curl; then
break a passing call on purpose. Each button is one flows call, in a callback."""

import streamlit as st

from flows import api_matrix, identity
from ui import api_state, state
from ui.api_break import render_break_it
from ui.api_cell import render_call_one, render_cell
from ui.api_present import render_presenters
from ui.api_table import clear_selection, render_matrix
from ui.i18n import t

target, tokens = state.target(), state.tokens()
api_state.forget_if_stale(target, tokens)
username = api_matrix.username_of(tokens.get("id_token"))


def presenting() -> dict[str, api_matrix.Presented]:
    return api_matrix.presentations(state.tokens(), api_state.scoped_access_token(), api_state.credentials())


def get_scoped_token() -> None:
    scopes = api_matrix.route_scopes(target)
    if st.session_state.get("api_oauth_source") == "client_credentials":
        result, source = api_matrix.scoped_token_by_client_credentials(target, scopes), "client_credentials"
    else:
        password = st.session_state.pop("api_oauth_password", "")  # passwords are never kept
        result, source = api_matrix.scoped_token_by_code(target, username or "", password, scopes), "code"
    api_state.save_scoped_token(result, source)


def get_credentials() -> None:
    state.save_result(identity.get_credentials(target, state.tokens()["id_token"]))


def fill_matrix() -> None:
    api_state.save_cells(api_matrix.fill(target, presenting()))


def call_one(key: str, name: str) -> None:
    route = api_matrix.find_route(target, key)
    api_state.open_cell(api_matrix.call_cell(target, route, presenting()[name], api_matrix.load_keys(target)))
    clear_selection()


def other_client_token(token: str | None) -> str | None:
    if api_state.machine_token() is None:  # the machine client's token, asked for once
        scopes = api_matrix.route_scopes(target)
        asked = api_matrix.scoped_token_by_client_credentials(target, scopes, "api_other_client_token")
        api_state.save_machine_token(asked)
    native = state.tokens().get("access_token")
    return api_matrix.other_client_token(target, token, api_state.machine_token(), native)


def break_it(how: str) -> None:
    cell = api_state.opened()
    presented = presenting().get(cell.presented) if cell else None
    if cell is None or presented is None:
        return
    other = other_client_token(presented.token) if how == "other_client" else None
    if how == "other_client" and other is None:
        return  # the machine client's refusal is shown with the buttons
    api_state.save_broken(api_matrix.break_cell(target, cell, presented, how, other))


st.title(t("leg.api_gateway.title"))
st.write(t("api.intro"))
render_presenters(target, tokens, username, get_scoped_token, get_credentials)
selected = render_matrix(target, presenting(), fill_matrix)
if api_state.selection_is_new(selected) and selected in api_state.cells():
    api_state.open_cell(api_state.cells()[selected])  # opening a cell shows its call; no new call
render_call_one(target, presenting(), call_one)
cell = api_state.opened()
if cell is not None:
    render_cell(cell, target)
    render_break_it(cell, target, break_it)
