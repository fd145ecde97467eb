// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

/// @notice A payee contract that refuses ETH (no receive/fallback).
contract RejectingReceiver {
    function call(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }
}

/// @notice A renter/host contract that, when paid, tries to call `payload` on the escrow again.
contract ReentrantAccount {
    address public target;
    bytes public payload;
    bool public reentered;
    bool public reentrySucceeded;

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
    }

    function call(address to, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (target != address(0) && !reentered) {
            reentered = true;
            (reentrySucceeded,) = target.call(payload);
        }
    }
}
