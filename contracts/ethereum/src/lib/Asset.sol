// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "./IERC20.sol";

/// @notice Moves the one asset a contract holds: native ETH when `token == address(0)`, else an
/// ERC-20. Transfers are checked SafeERC20-style (call success, then no return data or `true`);
/// deposits are measured by the balance change so a fee-on-transfer token cannot credit more
/// than arrived.
library Asset {
    /// @dev ETH sent with a call that does not match the amount it names (or any ETH to a token contract).
    error ValueMismatch(uint256 sent, uint256 expected);
    /// @dev The token balance grew by something else than the amount transferred (fee-on-transfer, rebasing).
    error ReceivedMismatch(uint256 received, uint256 expected);
    error EthTransferFailed(address to, uint256 amount);
    error TokenTransferFailed(address token);

    /// @dev Takes `amount` from `from` into this contract: checks msg.value for ETH, pulls the token
    ///      otherwise (and then refuses any ETH sent along).
    function pullIn(address token, address from, uint256 amount) internal {
        if (token == address(0)) {
            if (msg.value != amount) revert ValueMismatch(msg.value, amount);
            return;
        }
        if (msg.value != 0) revert ValueMismatch(msg.value, 0);
        if (amount == 0) return;
        uint256 before = IERC20(token).balanceOf(address(this));
        _call(token, abi.encodeCall(IERC20.transferFrom, (from, address(this), amount)));
        uint256 afterwards = IERC20(token).balanceOf(address(this));
        if (afterwards < before || afterwards - before != amount) {
            revert ReceivedMismatch(afterwards < before ? 0 : afterwards - before, amount);
        }
    }

    /// @dev Sends `amount` from this contract to `to`; reverts when the transfer fails.
    function pushOut(address token, address to, uint256 amount) internal {
        if (token == address(0)) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert EthTransferFailed(to, amount);
        } else {
            _call(token, abi.encodeCall(IERC20.transfer, (to, amount)));
        }
    }

    /// @dev A token call that must succeed and return nothing (USDT-style) or `true`.
    function _call(address token, bytes memory data) private {
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok || (ret.length == 0 ? token.code.length == 0 : !abi.decode(ret, (bool)))) {
            revert TokenTransferFailed(token);
        }
    }
}
